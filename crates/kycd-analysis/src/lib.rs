//! kycd's analysis: image bytes in, typed findings out. Decoding with limits checked before any
//! pixel is decoded ([`decode`]), finding and straightening the document in a photo
//! ([`locate`], on [`geometry`]), image quality measures ([`quality`]), finding the machine
//! readable zone ([`zone`]), recognising its lines ([`recognise`], [`ctc`]) and reading the zone
//! ([`mrz`]), put together in [`document`]. It performs no I/O of its own (no HTTP, no
//! database, no files) and runs synchronously: callers run it off the async runtime. The face
//! checks join here (issue 13).

pub mod capture;
pub mod ctc;
pub mod decode;
pub mod document;
pub mod face;
pub mod geometry;
pub mod locate;
pub mod logo;
pub mod mrz;
pub mod quality;
pub mod recognise;
pub mod zone;
