//! Connection profiles.

use std::ffi::{CStr, CString};
use std::fmt;
use std::os::raw::c_char;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::ptr::{self, NonNull};

use crate::error::{check, Error, Status};
use crate::ffi;

/// A connection profile: the consumer name, credentials and Kafka bootstrap
/// servers that Mister Webhooks issues as a JSON file. Immutable, so it may be
/// shared between threads.
pub struct Profile(NonNull<ffi::mw_profile>);

// SAFETY: an mw_profile is immutable; the header allows reading it from
// several threads at once and freeing it on any thread.
unsafe impl Send for Profile {}
unsafe impl Sync for Profile {}

/// Converts `value` into a C string, or an invalid-argument error naming `what`.
pub(crate) fn c_string(what: &str, value: &[u8]) -> Result<CString, Error> {
    CString::new(value).map_err(|_| Error::new(Status::InvalidArgument, format!("{what} contains a NUL byte")))
}

impl Profile {
    /// Loads a profile from the JSON file at `path`. Fails with
    /// [`Status::Io`] when the file cannot be read and [`Status::Profile`],
    /// naming the field, when it is not a valid profile.
    pub fn load(path: impl AsRef<Path>) -> Result<Profile, Error> {
        let path = c_string("profile path", path.as_ref().as_os_str().as_bytes())?;
        let mut profile = ptr::null_mut();
        let mut error = ptr::null_mut();
        let status = unsafe { ffi::mw_profile_load(path.as_ptr(), &mut profile, &mut error) };
        unsafe { check(status, error) }?;
        Ok(Profile(
            NonNull::new(profile).expect("mw_profile_load returned MW_OK without a profile"),
        ))
    }

    /// Parses a profile from JSON text. Fails with [`Status::Profile`].
    pub fn parse(json: &str) -> Result<Profile, Error> {
        let mut profile = ptr::null_mut();
        let mut error = ptr::null_mut();
        let status = unsafe { ffi::mw_profile_parse(json.as_ptr().cast(), json.len(), &mut profile, &mut error) };
        unsafe { check(status, error) }?;
        Ok(Profile(
            NonNull::new(profile).expect("mw_profile_parse returned MW_OK without a profile"),
        ))
    }

    fn string(&self, accessor: unsafe extern "C" fn(*const ffi::mw_profile) -> *const c_char) -> Option<&str> {
        let value = unsafe { accessor(self.0.as_ptr()) };
        if value.is_null() {
            return None;
        }
        // SAFETY: the string lives as long as the profile. Profiles are parsed
        // from JSON, whose strings are UTF-8.
        Some(
            unsafe { CStr::from_ptr(value) }
                .to_str()
                .expect("libmisterwebhooks returned a profile field that is not valid UTF-8"),
        )
    }

    /// Returns the consumer name, also the Kafka consumer group.
    pub fn consumer_name(&self) -> &str {
        self.string(ffi::mw_profile_consumer_name).unwrap_or("")
    }

    /// Returns the SASL mechanism, or `None` when the profile has no auth.
    pub fn auth_mechanism(&self) -> Option<&str> {
        self.string(ffi::mw_profile_auth_mechanism)
    }

    /// Returns the SASL secret, or `None` when the profile has no auth.
    pub fn auth_secret(&self) -> Option<&str> {
        self.string(ffi::mw_profile_auth_secret)
    }

    /// Returns the bootstrap servers, comma-separated.
    pub fn kafka_bootstrap(&self) -> &str {
        self.string(ffi::mw_profile_kafka_bootstrap).unwrap_or("")
    }

    /// Returns the security protocol: `"SASL_SSL"`, `"SASL_PLAINTEXT"`, `"SSL"` or `"PLAINTEXT"`.
    pub fn security_protocol(&self) -> &str {
        self.string(ffi::mw_profile_security_protocol).unwrap_or("")
    }

    /// Returns the CA file from `kafka.ssl_ca_location`, or `None` when unset.
    pub fn ssl_ca_location(&self) -> Option<&str> {
        self.string(ffi::mw_profile_ssl_ca_location)
    }

    /// Returns the C handle, still owned by this profile.
    pub fn as_ptr(&self) -> *const ffi::mw_profile {
        self.0.as_ptr()
    }
}

impl Drop for Profile {
    fn drop(&mut self) {
        unsafe { ffi::mw_profile_free(self.0.as_ptr()) }
    }
}

/// Shows every field but the secret.
impl fmt::Debug for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Profile")
            .field("consumer_name", &self.consumer_name())
            .field("auth_mechanism", &self.auth_mechanism())
            .field("kafka_bootstrap", &self.kafka_bootstrap())
            .field("security_protocol", &self.security_protocol())
            .field("ssl_ca_location", &self.ssl_ca_location())
            .finish_non_exhaustive()
    }
}
