package web

// IssueURL is the dashboard page of an issue, for the browser test.
var IssueURL = issueURL
