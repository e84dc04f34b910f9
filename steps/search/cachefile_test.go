package search

import (
	"bytes"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/syncdoctor/syncdoctor/client"
)

// filled sets every field of v, however deep, to a value of its own: a
// field the cache format forgets then comes back different.
func filled(v reflect.Value, n *int) {
	*n++
	switch v.Kind() {
	case reflect.String:
		v.SetString(fmt.Sprintf("s%d-\u00e9\x00", *n))
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		filled(v.Elem(), n)
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 2, 2))
		for i := range 2 {
			filled(v.Index(i), n)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			filled(v.Field(i), n)
		}
	default:
		panic("the cache test cannot fill a " + v.Kind().String() + ": teach it, and the cache format")
	}
}

// Every field of an account comes back from the file as it went in, so a
// field added to client.User without a place in the format fails here.
func TestCacheFileKeepsEveryField(t *testing.T) {
	t.Parallel()
	var full client.User
	n := 0
	filled(reflect.ValueOf(&full).Elem(), &n)
	in := Cached{OrgID: "org-1", Saved: time.Unix(0, 1764490000123456789), Accounts: []client.User{full, {AccountID: "bare"}, full},
		Groups: []client.Group{{ID: "g", Name: "G", Description: "d", DirectoryID: "dir", ExternalSynced: true, ManagedBy: "external"}}}
	data, err := encodeCache(in)
	if err != nil {
		t.Fatal(err)
	}
	out, err := decodeCache(data)
	if err != nil {
		t.Fatal(err)
	}
	if !out.Saved.Equal(in.Saved) || out.OrgID != in.OrgID || !reflect.DeepEqual(out.Accounts, in.Accounts) || !reflect.DeepEqual(out.Groups, in.Groups) {
		t.Errorf("the file gave back\n%+v\nfor\n%+v", out, in)
	}
}

// A file cut short, damaged, or of another version is refused whole.
func TestCacheFileRefusesDamage(t *testing.T) {
	t.Parallel()
	data, err := encodeCache(Cached{OrgID: "o", Saved: time.Now(), Accounts: generatedOrg(0, 20)})
	if err != nil {
		t.Fatal(err)
	}
	for cut := range len(data) {
		if _, err := decodeCache(data[:cut]); err == nil {
			t.Fatalf("a file cut to %d of %d bytes was read", cut, len(data))
		}
	}
	if _, err := decodeCache(append(bytes.Clone(data), 0)); err == nil {
		t.Error("a file with bytes after its end was read")
	}
	other := bytes.Clone(data)
	other[len(cacheMagic)]++ // the version
	if _, err := decodeCache(other); err == nil {
		t.Error("another version's file was read")
	}
}

// FuzzCacheFile: any bytes are read without a panic or a huge allocation,
// or refused; what is read is written back the same.
func FuzzCacheFile(f *testing.F) {
	data, err := encodeCache(Cached{OrgID: "o", Saved: time.Unix(5, 0), Accounts: generatedOrg(0, 3)})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add([]byte(cacheMagic))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := decodeCache(data)
		if err != nil {
			return
		}
		again, err := encodeCache(*c)
		if err != nil {
			t.Fatal(err)
		}
		back, err := decodeCache(again)
		if err != nil || !reflect.DeepEqual(back, c) {
			t.Fatalf("read back differently: %v", err)
		}
	})
}
