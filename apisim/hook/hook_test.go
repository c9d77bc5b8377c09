package hook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestSendSignsTheBodyItPosts(t *testing.T) {
	type got struct {
		sig, event string
		body       []byte
	}
	received := make(chan got, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		received <- got{r.Header.Get("X-Sig"), r.Header.Get("X-Event"), body}
	}))
	t.Cleanup(srv.Close)
	var s Sender
	if _, _, ok := s.Next(); ok {
		t.Fatal("a Sender without a target delivers")
	}
	s.SetWebhook(Target{URL: srv.URL, Secret: "k"})
	target, _, ok := s.Next()
	if !ok {
		t.Fatal("no target after Set")
	}
	s.Send(target, []byte(`{"a":1}`), http.Header{"X-Event": {"e"}}, "X-Sig")
	s.WaitDeliveries()
	g := <-received
	mac := hmac.New(sha256.New, []byte("k"))
	mac.Write([]byte(`{"a":1}`))
	if want := "sha256=" + hex.EncodeToString(mac.Sum(nil)); g.sig != want || g.event != "e" || string(g.body) != `{"a":1}` {
		t.Errorf("got %q %q %s, want %q e {\"a\":1}", g.sig, g.event, g.body, want)
	}
}
