package vsphere

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/vmware/govmomi/session"
	"github.com/vmware/govmomi/vim25"
	"github.com/vmware/govmomi/vim25/soap"
)

// Sessions left by killed runs (docs/design/sessions.md). A provider process
// killed with SIGKILL cannot log out, so its vCenter session stays until
// vCenter's idle timeout. To bound that, each session's cookie is kept in a
// file private to the user (0600 in a 0700 directory) that the process holds
// an exclusive lock on while it runs. The kernel drops the lock when the
// process dies, however it dies, so the next run finds an unlocked file, checks
// the session is still alive and reuses it instead of logging in anew. Runs
// that overlap never share a session: a locked file is another live process's.
// A clean exit logs out and removes the file. So vCenter holds at most one
// session per concurrent run and user, never one per killed run.

// EnvSessionDir overrides where session files are kept; "off" disables them.
const EnvSessionDir = "ESTATE_SESSION_DIR"

// DefaultSessionDir is $ESTATE_SESSION_DIR, else terraform-provider-estate/sessions
// in the user's cache directory; "" when disabled or when there is no such directory.
func DefaultSessionDir() string {
	if d := os.Getenv(EnvSessionDir); d != "" {
		if d == "off" {
			return ""
		}
		return d
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(cache, "terraform-provider-estate", "sessions")
}

// sessionFile is a locked file holding one session's cookie.
type sessionFile struct{ f *os.File }

// release unlocks the file; remove also deletes it (after a logout).
func (s *sessionFile) release(remove bool) {
	if s == nil || s.f == nil {
		return
	}
	if remove {
		_ = os.Remove(s.f.Name())
	}
	_ = s.f.Close() // closing drops the flock
	s.f = nil
}

func sessionPrefix(cfg Config, host string) string {
	sum := sha256.Sum256([]byte(host + "\x00" + cfg.User))
	return hex.EncodeToString(sum[:8])
}

// reuseSession looks for a session left by a run that is gone and makes the
// client use it. It returns the claimed file, or nil when there is none to reuse.
func reuseSession(ctx context.Context, cfg Config, u *url.URL, sc *soap.Client, vc *vim25.Client) *sessionFile {
	if err := os.MkdirAll(cfg.SessionDir, 0o700); err != nil {
		return nil
	}
	files, _ := filepath.Glob(filepath.Join(cfg.SessionDir, sessionPrefix(cfg, u.Host)+"-*.session"))
	for _, name := range files {
		f, err := os.OpenFile(name, os.O_RDWR, 0)
		if err != nil {
			continue
		}
		if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
			_ = f.Close() // a live run holds it
			continue
		}
		data, err := os.ReadFile(name)
		cookie := strings.TrimSpace(string(data))
		if err == nil && cookie != "" {
			sc.Jar.SetCookies(u, []*http.Cookie{{Name: soap.SessionCookieName, Value: cookie, Path: "/"}})
			if us, err := session.NewManager(vc).UserSession(ctx); err == nil && us != nil && strings.EqualFold(us.UserName, cfg.User) {
				return &sessionFile{f: f}
			}
			sc.Jar.SetCookies(u, []*http.Cookie{{Name: soap.SessionCookieName, Value: "", Path: "/", MaxAge: -1}})
		}
		// Expired (vCenter's idle timeout) or unreadable: nothing to reuse.
		(&sessionFile{f: f}).release(true)
	}
	return nil
}

// saveSession writes the logged-in session's cookie to a new file, locked while this process runs.
func saveSession(cfg Config, u *url.URL, sc *soap.Client) (*sessionFile, error) {
	cookie := sc.SessionCookie()
	if cookie == nil || cookie.Value == "" {
		return nil, errors.New("vCenter set no session cookie")
	}
	if err := os.MkdirAll(cfg.SessionDir, 0o700); err != nil {
		return nil, err
	}
	var rnd [8]byte
	_, _ = rand.Read(rnd[:])
	name := filepath.Join(cfg.SessionDir, fmt.Sprintf("%s-%s.session", sessionPrefix(cfg, u.Host), hex.EncodeToString(rnd[:])))
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		_ = f.Close()
		_ = os.Remove(name)
		return nil, err
	}
	if _, err := f.WriteString(cookie.Value + "\n"); err != nil {
		(&sessionFile{f: f}).release(true)
		return nil, err
	}
	return &sessionFile{f: f}, f.Sync()
}
