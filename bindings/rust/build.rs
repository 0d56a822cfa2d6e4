//! Links libmisterwebhooks. The library is looked up in the folder named by
//! the environment variable `MISTER_WEBHOOKS_LIB_DIR`, by default the
//! repository's `build/lib` (built with `make lib`). Tests, examples and
//! binaries of this crate get an rpath to that folder, so they run without
//! `LD_LIBRARY_PATH`.
use std::env;
use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-env-changed=MISTER_WEBHOOKS_LIB_DIR");
    println!("cargo:rerun-if-changed=build.rs");

    let library_dir = match env::var_os("MISTER_WEBHOOKS_LIB_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => {
            let manifest_dir = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
            manifest_dir.join("../../build/lib")
        }
    };
    let library_dir = library_dir.canonicalize().unwrap_or(library_dir);

    println!("cargo:rustc-link-search=native={}", library_dir.display());
    println!("cargo:rustc-link-lib=dylib=misterwebhooks");
    println!("cargo:rustc-link-arg=-Wl,-rpath,{}", library_dir.display());
    println!("cargo:lib_dir={}", library_dir.display());
}
