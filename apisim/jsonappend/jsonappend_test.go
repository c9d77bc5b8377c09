package jsonappend

import (
	"encoding/json"
	"testing"
)

func TestValueIsWhatMarshalWrites(t *testing.T) {
	type named struct {
		Name string  `json:"name"`
		Icon *string `json:"iconUrl,omitempty"`
	}
	values := []any{
		nil, "", "plain", `quote " and \ backslash`, "<b>&amp;</b>", "tab\tnew\nline\r\x00\x1f\x7f",
		"ünïcödé ✓", "\u2028\u2029", "bad \xff utf-8", 0, -42, 1 << 40, true, false, 3.5, int64(7),
		[]string(nil), []string{}, []string{"a", "<b>"}, []any(nil), []any{}, []any{1, "x", nil, []any{true}},
		map[string]any(nil), map[string]any{}, json.RawMessage(nil), json.RawMessage(`{"a":[1,2]}`),
		map[string]any{"z": 1, "a": map[string]any{"y": "<", "b": []any{named{Name: "n"}}}, "é": nil, "A": "x", "_": json.RawMessage(`"r"`)},
		named{Name: "&"}, &named{Name: "x", Icon: new("")},
	}
	for _, v := range values {
		want, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		if got := Value([]byte("prefix "), v); string(got) != "prefix "+string(want) {
			t.Errorf("Value(%#v) = %s, want prefix %s", v, got, want)
		}
	}
}

func TestStringIsWhatMarshalWrites(t *testing.T) {
	for c := range 256 {
		s := "a" + string([]byte{byte(c)}) + "b"
		want, _ := json.Marshal(s)
		if got := String(nil, s); string(got) != string(want) {
			t.Errorf("String(%q) = %s, want %s", s, got, want)
		}
		if got := Plain(s); got != (string(want) == `"`+s+`"`) {
			t.Errorf("Plain(%q) = %v, but Marshal writes %s", s, got, want)
		}
	}
}

// TestPlainFindsEveryEscapedByteWhereverItIs puts each byte at each place
// of strings as long as two of the words Plain reads at once and a tail,
// and checks Plain says what Marshal writes.
func TestPlainFindsEveryEscapedByteWhereverItIs(t *testing.T) {
	for c := range 256 {
		for at := range 19 {
			b := []byte("abcdefghijklmnopqrs")
			b[at] = byte(c)
			s := string(b)
			want, _ := json.Marshal(s)
			if got := Plain(s); got != (string(want) == `"`+s+`"`) {
				t.Errorf("Plain(%q) = %v, but Marshal writes %s", s, got, want)
			}
		}
	}
}
