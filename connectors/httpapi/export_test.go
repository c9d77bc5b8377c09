package httpapi

// Listen is listen for the black-box tests in package httpapi_test.
var Listen = listen
