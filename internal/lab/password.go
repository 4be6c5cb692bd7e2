package lab

import (
	"crypto/rand"
	"encoding/base32"
)

func randomPassword() string {
	b := make([]byte, 15)
	_, _ = rand.Read(b)
	return base32.StdEncoding.EncodeToString(b)
}
