package githubsim

import (
	"reflect"
	"testing"
	"unsafe"
)

// TestRelationsKeyNamesEveryField sets each field of relations in turn,
// found by reflection, and checks that the key changes with each: a field
// added to relations but not to appendRelationsKey would leave a board
// page's version, and so its ETag, as it was while the JSON changed.
func TestRelationsKeyNamesEveryField(t *testing.T) {
	var zero relations
	seen := map[string]string{string(appendRelationsKey(nil, zero)): "no field"}
	var rel relations
	fields := settableLeaves(reflect.ValueOf(&rel).Elem(), "relations")
	if len(fields) < 9 {
		t.Fatalf("found %d fields of relations, want at least the 9 it had", len(fields))
	}
	for name, f := range fields {
		rel = relations{}
		switch f.Kind() {
		case reflect.Int:
			f.SetInt(7)
		case reflect.String:
			f.SetString("acme/x")
		default:
			t.Fatalf("%s is a %s: teach appendRelationsKey and this test its kind", name, f.Kind())
		}
		key := string(appendRelationsKey(nil, rel))
		if other, ok := seen[key]; ok {
			t.Errorf("setting %s gives the key %q, as %s does", name, key, other)
		}
		seen[key] = name
	}
}

// settableLeaves are the fields of the struct v that are not structs,
// however deep, by their path, settable though unexported.
func settableLeaves(v reflect.Value, path string) map[string]reflect.Value {
	if v.Kind() != reflect.Struct {
		return map[string]reflect.Value{path: reflect.NewAt(v.Type(), unsafe.Pointer(v.UnsafeAddr())).Elem()}
	}
	out := map[string]reflect.Value{}
	for i := range v.NumField() {
		for name, f := range settableLeaves(v.Field(i), path+"."+v.Type().Field(i).Name) {
			out[name] = f
		}
	}
	return out
}
