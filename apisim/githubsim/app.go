package githubsim

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/hex"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v4"
)

// App is a GitHub App the server knows: its id, the public half of its
// private key, and the ids of its installations.
type App struct {
	ID            int64
	PublicKey     *rsa.PublicKey
	Installations []int64
}

const (
	accessTokensRoute = "POST /app/installations/{id}/access_tokens"
	docsAppAuth       = "https://docs.github.com/rest/apps/apps#create-an-installation-access-token-for-an-app"
	// installationTokenTTL is how long an installation token lives, as on GitHub.
	installationTokenTTL = time.Hour
	// maxJWTLifetime and jwtClockSkew are GitHub's limits on an app's JWT:
	// exp at most 10 minutes ahead, iat at most a minute in the future.
	maxJWTLifetime = 10 * time.Minute
	jwtClockSkew   = time.Minute
)

// createAccessToken is POST /app/installations/{id}/access_tokens,
// authenticated by a JWT that one of Options.Apps signed (RS256, iss = the
// app id). It answers 201 with a new installation token, valid for an hour
// of the server clock with a quota of its own; 401 for a JWT that does not
// verify, 404 for an installation the app does not have.
func (s *Server) createAccessToken(w http.ResponseWriter, r *http.Request) {
	bearer, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		writeError(w, http.StatusUnauthorized, "A JSON web token could not be decoded", docsAppAuth)
		return
	}
	app, err := s.verifyJWT(strings.TrimSpace(bearer))
	if err != nil {
		writeError(w, http.StatusUnauthorized, err.Error(), docsAppAuth)
		return
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || !slices.Contains(app.Installations, id) {
		writeError(w, http.StatusNotFound, "Not Found", docsAppAuth)
		return
	}
	var b [18]byte
	_, _ = rand.Read(b[:])
	token := "ghs_" + hex.EncodeToString(b[:])
	expires := s.clock().Add(installationTokenTTL)
	s.ctlMu.Lock()
	s.issued[token] = expires
	s.ctlMu.Unlock()
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusCreated)
	writeJSON(w, map[string]any{
		"token":                token,
		"expires_at":           expires.Format(time.RFC3339),
		"permissions":          map[string]string{"issues": "read", "metadata": "read"},
		"repository_selection": "all",
	})
}

// verifyJWT returns the app that signed tok, checking its claims against the
// server clock. Its errors are safe to show: they never quote the token.
func (s *Server) verifyJWT(tok string) (App, error) {
	var app App
	claims := &jwt.RegisteredClaims{}
	_, err := jwt.ParseWithClaims(tok, claims, func(*jwt.Token) (any, error) {
		id, err := strconv.ParseInt(claims.Issuer, 10, 64)
		if err != nil {
			return nil, errors.New("'Issuer' claim ('iss') must be the app id")
		}
		for _, a := range s.opts.Apps {
			if a.ID == id {
				app = a
				return a.PublicKey, nil
			}
		}
		return nil, errors.New("Integration not found")
	}, jwt.WithValidMethods([]string{"RS256"}), jwt.WithoutClaimsValidation())
	if err != nil {
		var ve *jwt.ValidationError
		if errors.As(err, &ve) && ve.Inner != nil && ve.Errors&jwt.ValidationErrorUnverifiable != 0 {
			return App{}, ve.Inner
		}
		return App{}, errors.New("A JSON web token could not be decoded")
	}
	now := s.clock()
	switch {
	case claims.ExpiresAt == nil || !claims.ExpiresAt.After(now):
		return App{}, errors.New("'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires")
	case claims.ExpiresAt.Sub(now) > maxJWTLifetime:
		return App{}, errors.New("'Expiration time' claim ('exp') is too far in the future")
	case claims.IssuedAt == nil || claims.IssuedAt.After(now.Add(jwtClockSkew)):
		return App{}, errors.New("'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued")
	}
	return app, nil
}
