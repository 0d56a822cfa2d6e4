package misterwebhooks

/*
#include <stdlib.h>
#include <misterwebhooks.h>
*/
import "C"

import (
	"encoding/json"
	"strings"
	"unsafe"
)

// ConnectionProfile is a Mister Webhooks connection profile: the consumer
// name, credentials and Kafka bootstrap servers that Mister Webhooks issues
// to a customer as a JSON file.
//
// ConsumerName is also the Kafka consumer group and SASL user name.
// AuthMechanism ("plain") and AuthSecret are empty for a profile without
// auth, which only the "SSL" and "PLAINTEXT" security protocols allow.
// Bootstrap lists the servers as host:port, comma-separated.
// SecurityProtocol is "SASL_SSL" (the default), "SASL_PLAINTEXT", "SSL" or
// "PLAINTEXT". SSLCALocation is a PEM file of CA certificates; when it is
// empty, TLS connections trust only the Mister Webhooks broker CA built into
// the library.
//
// NewConsumer checks the profile again with the library, so a profile built
// or changed in Go gets the same checks as one loaded from a file.
type ConnectionProfile struct {
	ConsumerName     string
	AuthMechanism    string
	AuthSecret       string
	Bootstrap        string
	SecurityProtocol string
	SSLCALocation    string
}

// LoadConnectionProfile loads a connection profile from the JSON file at
// path. It returns an *Error with StatusIO when the file cannot be read, and
// with StatusProfile, naming the file and the field, when it is not a valid
// profile.
func LoadConnectionProfile(path string) (*ConnectionProfile, error) {
	if strings.IndexByte(path, 0) >= 0 {
		return nil, invalidArgument("profile path %q contains a NUL byte", path)
	}
	cPath := C.CString(path)
	defer C.free(unsafe.Pointer(cPath))

	var profile *C.mw_profile
	var cError *C.mw_error
	if status := C.mw_profile_load(cPath, &profile, &cError); status != C.MW_OK {
		return nil, takeError(status, cError)
	}
	defer C.mw_profile_free(profile)
	return copyProfile(profile), nil
}

// ParseConnectionProfile parses a connection profile from JSON text. It
// returns an *Error with StatusProfile, naming the field, when the text is
// not a valid profile.
func ParseConnectionProfile(text []byte) (*ConnectionProfile, error) {
	profile, err := parseProfile(text)
	if err != nil {
		return nil, err
	}
	defer C.mw_profile_free(profile)
	return copyProfile(profile), nil
}

// MarshalJSON returns the profile in the JSON format of Mister Webhooks'
// profile files, secret included.
func (p *ConnectionProfile) MarshalJSON() ([]byte, error) {
	type auth struct {
		Mechanism string `json:"mechanism"`
		Secret    string `json:"secret"`
	}
	type kafka struct {
		Bootstrap        string `json:"bootstrap"`
		SecurityProtocol string `json:"security_protocol,omitempty"`
		SSLCALocation    string `json:"ssl_ca_location,omitempty"`
	}
	document := struct {
		ConsumerName string `json:"consumer_name"`
		Auth         *auth  `json:"auth,omitempty"`
		Kafka        kafka  `json:"kafka"`
	}{
		ConsumerName: p.ConsumerName,
		Kafka:        kafka{p.Bootstrap, p.SecurityProtocol, p.SSLCALocation},
	}
	if p.AuthMechanism != "" || p.AuthSecret != "" {
		document.Auth = &auth{p.AuthMechanism, p.AuthSecret}
	}
	return json.Marshal(document)
}

// String returns the consumer name and servers, never the secret.
func (p *ConnectionProfile) String() string {
	return "ConnectionProfile{consumer " + p.ConsumerName + ", bootstrap " + p.Bootstrap + "}"
}

// GoString hides the secret from %#v as well.
func (p *ConnectionProfile) GoString() string {
	return p.String()
}

// parseProfile returns a library profile, which the caller frees.
func parseProfile(text []byte) (*C.mw_profile, error) {
	pointer, length := inputBytes(text)

	var profile *C.mw_profile
	var cError *C.mw_error
	if status := C.mw_profile_parse((*C.char)(pointer), length, &profile, &cError); status != C.MW_OK {
		return nil, takeError(status, cError)
	}
	return profile, nil
}

func copyProfile(profile *C.mw_profile) *ConnectionProfile {
	return &ConnectionProfile{
		ConsumerName:     optionalString(C.mw_profile_consumer_name(profile)),
		AuthMechanism:    optionalString(C.mw_profile_auth_mechanism(profile)),
		AuthSecret:       optionalString(C.mw_profile_auth_secret(profile)),
		Bootstrap:        optionalString(C.mw_profile_kafka_bootstrap(profile)),
		SecurityProtocol: optionalString(C.mw_profile_security_protocol(profile)),
		SSLCALocation:    optionalString(C.mw_profile_ssl_ca_location(profile)),
	}
}

func optionalString(text *C.char) string {
	if text == nil {
		return ""
	}
	return C.GoString(text)
}
