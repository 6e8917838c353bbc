//! kycd's analysis: image bytes in, typed findings out. Decoding with limits checked before any
//! pixel is decoded ([`decode`]), image quality measures ([`quality`]), and reading a machine
//! readable zone from recognised lines ([`mrz`]). It performs no I/O of its own (no HTTP, no
//! database, no files) and runs synchronously: callers run it off the async runtime. Document
//! localisation, the MRZ line recogniser and the face checks join here (issues 13 and 16).

pub mod ctc;
pub mod decode;
pub mod document;
pub mod mrz;
pub mod quality;
pub mod recognise;
pub mod zone;
