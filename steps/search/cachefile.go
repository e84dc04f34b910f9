package search

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"math"
	"time"

	"github.com/syncdoctor/syncdoctor/client"
)

// The warm-start file's own format. gob took a second to read 200,000
// accounts back, half the time the next start has to make the whole org
// searchable; this reads them in a fraction of that. It is
//
//	magic, version, org id, saved (Unix ns), groups (JSON: few),
//	the number of accounts, then each account's fields in a fixed order
//
// with every string length-prefixed (uvarint) and every count bounded by
// the bytes left, so that a file cut short or damaged is refused, never
// misread or grown into. TestCacheFileKeepsEveryField fails when
// client.User gains a field this format does not carry: bump
// cacheVersion with the change, and older files are ignored.

const cacheMagic = "syncdoctor org cache\n"

// errCacheFile: the file is not a cache this version wrote whole.
var errCacheFile = errors.New("not a cache file of this version")

func encodeCache(c Cached) ([]byte, error) {
	groups, err := json.Marshal(c.Groups)
	if err != nil {
		return nil, err
	}
	var e cacheEncoder
	e.buf = append(e.buf, cacheMagic...)
	e.uint(cacheVersion)
	e.str(c.OrgID)
	e.uint(uint64(c.Saved.UnixNano()))
	e.str(string(groups))
	e.uint(uint64(len(c.Accounts)))
	for i := range c.Accounts {
		e.user(&c.Accounts[i])
	}
	return e.buf, nil
}

type cacheEncoder struct{ buf []byte }

func (e *cacheEncoder) uint(v uint64) { e.buf = binary.AppendUvarint(e.buf, v) }

func (e *cacheEncoder) str(s string) {
	e.uint(uint64(len(s)))
	e.buf = append(e.buf, s...)
}

func (e *cacheEncoder) flag(b bool) {
	if b {
		e.buf = append(e.buf, 1)
	} else {
		e.buf = append(e.buf, 0)
	}
}

// optional writes a *string: whether it is there, then the string.
func (e *cacheEncoder) optional(s *string) {
	e.flag(s != nil)
	if s != nil {
		e.str(*s)
	}
}

func (e *cacheEncoder) user(u *client.User) {
	for _, s := range []string{u.AccountID, u.AccountType, u.AccountStatus, u.ClaimStatus, u.Email} {
		e.str(s)
	}
	e.flag(u.EmailVerified)
	e.str(u.Name)
	e.str(u.Nickname)
	e.optional(u.ManagementSource)
	e.str(u.MembershipStatus)
	e.str(u.Status)
	e.str(u.AddedToOrg)
	e.uint(uint64(len(u.Groups)))
	for _, g := range u.Groups {
		e.str(g.ID)
		e.str(g.Name)
		e.optional(g.Description)
	}
	e.uint(uint64(len(u.ProductAccess)))
	for _, p := range u.ProductAccess {
		e.str(p.ID)
		e.str(p.Key)
		e.str(p.LastActiveTimestamp)
	}
}

func decodeCache(data []byte) (*Cached, error) {
	d, c, n := decodeCacheHeader(data)
	if n > 0 {
		c.Accounts = d.users(n)
	}
	if err := d.end(); err != nil {
		return nil, err
	}
	return c, nil
}

// decodeCacheHeader reads what comes before the accounts, and how many
// accounts follow (0 on a fault, which is then in d.err).
func decodeCacheHeader(data []byte) (d *cacheDecoder, c *Cached, accounts int) {
	d = &cacheDecoder{common: map[string]string{}}
	c = &Cached{}
	if len(data) < len(cacheMagic) || string(data[:len(cacheMagic)]) != cacheMagic {
		d.err = errCacheFile
		return d, c, 0
	}
	d.buf = data[len(cacheMagic):]
	if d.uint() != cacheVersion {
		d.err = errCacheFile
		return d, c, 0
	}
	c.OrgID = d.str()
	saved := d.uint()
	if saved > math.MaxInt64 {
		d.err = errCacheFile
	}
	c.Saved = time.Unix(0, int64(saved))
	if groups := d.str(); d.err == nil {
		if err := json.Unmarshal([]byte(groups), &c.Groups); err != nil {
			d.err = errCacheFile
		}
	}
	// An account takes at least 14 bytes: no count above what is left.
	return d, c, d.count(14)
}

// users reads the next n accounts.
func (d *cacheDecoder) users(n int) []client.User {
	us := make([]client.User, n)
	for i := range us {
		d.user(&us[i])
	}
	return us
}

// end says whether the file was read whole, and without a fault.
func (d *cacheDecoder) end() error {
	if d.err != nil || len(d.buf) != 0 {
		return errCacheFile
	}
	return nil
}

// cacheDecoder reads a cache file; the first fault sticks in err, and
// every read after it gives zero values.
type cacheDecoder struct {
	buf []byte
	err error
	// common holds the short strings many accounts share (statuses,
	// group names, product keys), each allocated once.
	common map[string]string
}

func (d *cacheDecoder) uint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.buf)
	if n <= 0 {
		d.err = errCacheFile
		return 0
	}
	d.buf = d.buf[n:]
	return v
}

// count reads a count of items of at least min bytes each.
func (d *cacheDecoder) count(min int) int {
	n := d.uint()
	if n > uint64(len(d.buf)/min) {
		d.err = errCacheFile
		return 0
	}
	return int(n)
}

func (d *cacheDecoder) bytes() []byte {
	n := d.uint()
	if d.err != nil || n > uint64(len(d.buf)) {
		d.err = errCacheFile
		return nil
	}
	b := d.buf[:n]
	d.buf = d.buf[n:]
	return b
}

func (d *cacheDecoder) str() string { return string(d.bytes()) }

// shared is a string that many accounts may hold the same.
func (d *cacheDecoder) shared() string {
	b := d.bytes()
	if s, ok := d.common[string(b)]; ok {
		return s
	}
	s := string(b)
	if len(d.common) < 1<<16 {
		d.common[s] = s
	}
	return s
}

func (d *cacheDecoder) flag() bool {
	if d.err != nil || len(d.buf) == 0 || d.buf[0] > 1 {
		d.err = errCacheFile
		return false
	}
	b := d.buf[0] == 1
	d.buf = d.buf[1:]
	return b
}

func (d *cacheDecoder) optional() *string {
	if !d.flag() {
		return nil
	}
	s := d.shared()
	return &s
}

func (d *cacheDecoder) user(u *client.User) {
	u.AccountID = d.str()
	u.AccountType, u.AccountStatus, u.ClaimStatus = d.shared(), d.shared(), d.shared()
	u.Email = d.str()
	u.EmailVerified = d.flag()
	u.Name, u.Nickname = d.str(), d.str()
	u.ManagementSource = d.optional()
	u.MembershipStatus, u.Status = d.shared(), d.shared()
	u.AddedToOrg = d.str()
	if n := d.count(3); n > 0 {
		u.Groups = make([]client.UserGroup, n)
		for k := range u.Groups {
			u.Groups[k] = client.UserGroup{ID: d.shared(), Name: d.shared(), Description: d.optional()}
		}
	}
	if n := d.count(3); n > 0 {
		u.ProductAccess = make([]client.ProductAccess, n)
		for k := range u.ProductAccess {
			u.ProductAccess[k] = client.ProductAccess{ID: d.shared(), Key: d.shared(), LastActiveTimestamp: d.str()}
		}
	}
}
