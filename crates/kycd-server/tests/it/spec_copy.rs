//! docs/spec holds copies of the shared specification that code comments cite; they must match
//! the shared originals (run `scripts/sync-spec` when they change).

#[test]
fn the_repository_copies_of_the_spec_match_the_shared_originals() {
    let docs = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/spec");
    for name in ["DECISIONS.md", "idenfy-api-reference.md"] {
        let Some(shared) = crate::shared_spec(name) else { continue };
        let copy = std::fs::read_to_string(docs.join(name)).unwrap_or_default();
        assert!(
            copy == shared,
            "docs/spec/{name} differs from ../shared/spec/{name}: run scripts/sync-spec"
        );
    }
}
