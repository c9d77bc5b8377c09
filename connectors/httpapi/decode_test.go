package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// answer is shaped like the issues the connectors decode: nested objects,
// lists, pointers, times and a number.
type answer struct {
	Number    int        `json:"number"`
	Title     string     `json:"title"`
	Body      *string    `json:"body"`
	UpdatedAt *time.Time `json:"updated_at"`
	Labels    []struct {
		Name string `json:"name"`
	} `json:"labels"`
	Milestone *struct {
		Title string `json:"title"`
	} `json:"milestone"`
	Extra any `json:"extra"`
}

// decodeSeeds are answers well and badly formed, with what encoding/json
// accepts unexpectedly: content after the value, keys in another case,
// invalid UTF-8, repeated keys.
var decodeSeeds = []string{
	`[{"number":1,"title":"a","body":null,"updated_at":"2026-11-20T10:00:00Z","labels":[{"name":"P1","color":"f00"}],"milestone":{"title":"v1"},"user":{"login":"x","id":2}}]`,
	`[{"number":1,"extra":{"a":[1,2.5,"x",null,true,{"b":{}}]}}]`,
	`[{"NUMBER":7,"Title":"case"}]`,
	"[{\"number\":1,\"title\":\"a\xffb\",\"body\":\"\\ud800\"}]",
	`[{"number":1,"number":2,"labels":[{"name":"a"}],"labels":[{"name":"b"}]}]`,
	`[{"number":1}] trailing content`,
	`[{"number":1}] [2]`,
	``,
	"  \n",
	`[{"number":1.5}]`,
	`[{"number":"1"}]`,
	`[{"number":99999999999999999999}]`,
	`[{"updated_at":"yesterday"}]`,
	`[{"number":1,"user":{"login" 1}}]`,
	`[{"number":1,"user":[1 2]}]`,
	`[{"number":1,"user":01}]`,
	`[{"number":1,"title":"tab	inside"}]`,
	`[{"number":1,"title":"\q"}]`,
	`[{"number":1}`,
	`{"number":1}`,
	`null`,
}

func TestDecodeJSONDecodesAsEncodingJSON(t *testing.T) {
	for _, in := range decodeSeeds {
		sameAsEncodingJSON[[]answer](t, []byte(in))
		sameAsEncodingJSON[any](t, []byte(in))
	}
}

func FuzzDecodeJSONDecodesAsEncodingJSON(f *testing.F) {
	for _, in := range decodeSeeds {
		f.Add([]byte(in))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		sameAsEncodingJSON[[]answer](t, in)
		sameAsEncodingJSON[any](t, in)
	})
}

// sameAsEncodingJSON fails the test unless DecodeJSON and encoding/json's
// Decoder give in the same T or the same error.
func sameAsEncodingJSON[T any](t *testing.T, in []byte) {
	t.Helper()
	var want, got T
	errWant := json.NewDecoder(bytes.NewReader(in)).Decode(&want)
	errGot := DecodeJSON(bytes.NewReader(in), &got)
	if (errGot == nil) != (errWant == nil) || (errWant != nil && errGot.Error() != errWant.Error()) {
		t.Fatalf("%q: error %v, want %v", in, errGot, errWant)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("%q (-encoding/json +DecodeJSON):\n%s", in, diff)
	}
}

func TestDecodeJSONReturnsTheBodysReadError(t *testing.T) {
	limit := &BodyLimitError{URL: "GET https://api.example.com/x", Limit: 8}
	var v []answer
	err := DecodeJSON(io.MultiReader(strings.NewReader(`[{"number":1}]`), errReader{limit}), &v)
	if !errors.Is(err, limit) {
		t.Errorf("got %v, want the body's %v", err, limit)
	}
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

func TestDecodedStringsOutliveTheReusedBuffer(t *testing.T) {
	var first []answer
	if err := DecodeJSON(strings.NewReader(`[{"title":"first"}]`), &first); err != nil {
		t.Fatal(err)
	}
	var second []answer
	if err := DecodeJSON(strings.NewReader(`[{"title":"SECOND"}]`), &second); err != nil {
		t.Fatal(err)
	}
	if first[0].Title != "first" || second[0].Title != "SECOND" {
		t.Errorf("titles %q and %q, want first and SECOND", first[0].Title, second[0].Title)
	}
}
