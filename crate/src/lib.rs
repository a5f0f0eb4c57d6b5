//! TrackLens core: classifies what a web page collects and who receives it.
//!
//! The same code serves three front ends: the browser extension (through the thin wasm-bindgen
//! layer in `wasm.rs`, built only for `wasm32`), the `tracklens` command-line tool, and the
//! tests and benchmarks. Nothing outside `wasm.rs` knows about browsers.
//!
//! ```
//! use tracklens::{classify, Category, Request, ResourceType};
//! let verdict = classify(&Request {
//!     url: "https://googleads.g.doubleclick.net/pagead/viewthroughconversion/1/".into(),
//!     page_url: "https://news.example/world".into(),
//!     resource_type: ResourceType::Image,
//! })?;
//! assert_eq!(verdict.entity.map(|e| e.name), Some("Google"));
//! assert_eq!(verdict.categories, &[Category::Advertising]);
//! # Ok::<(), tracklens::ClassifyError>(())
//! ```

pub mod classify;
pub mod collected;
pub mod consent;
pub mod context;
pub mod cookie_purpose;
pub mod cookies;
pub mod dates;
pub mod dnr;
pub mod engine;
pub mod filters;
pub mod fingerprint;
pub mod har;
pub mod knowledge;
pub mod leaks;
pub mod params;
pub mod party;
pub mod profile;
pub mod protection;
pub mod public_suffix;
pub mod report;
pub mod request;
pub mod sensitive_pages;
pub mod snapshot;
pub mod taxonomy;
pub mod treatment;
pub mod url;
pub mod vocabulary;

#[cfg(target_arch = "wasm32")]
mod wasm;

pub use classify::{classify, ClassifyError, MatchedBy, Request, Verdict};
pub use dnr::{DnrOptions, DnrOutput, DnrReport};
pub use engine::{Action, Engine, ListInfo};
pub use filters::{FilterDecision, FilterRef, ListReport, NetworkFilter};
pub use knowledge::EntityRecord;
pub use party::Party;
pub use request::ResourceType;
pub use snapshot::SnapshotError;
pub use taxonomy::Category;
