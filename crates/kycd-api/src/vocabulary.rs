//! OpenAPI schemas of the closed vocabularies: one string enum per `kycd_domain` vocabulary, its
//! values read from the domain's own list, so the document cannot drift from what kycd accepts and
//! sends. These are documentation markers only: wire structs keep the domain enums as field types
//! (they serialise as their wire strings) and point here with `#[schema(value_type = ...)]`.

use kycd_domain::{dummy, sandbox, vocabulary};
use utoipa::openapi::{
    RefOr,
    schema::{ObjectBuilder, Schema, Type},
};

fn string_enum<'a>(description: &str, values: impl Iterator<Item = &'a str>) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(description))
        .enum_values(Some(values))
        .build()
        .into()
}

macro_rules! enum_schema {
    ($(#[$doc:meta])* $name:ident = $values:expr, $description:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy)]
        pub struct $name;

        impl utoipa::PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                string_enum($description, $values.iter().map(|v| v.as_str()))
            }
        }

        impl utoipa::ToSchema for $name {}
    };
}

enum_schema!(
    /// `kycd_domain::vocabulary::OverallStatus`.
    OverallStatus = vocabulary::OverallStatus::ALL,
    "Overall verification status (reference §5.1)."
);
enum_schema!(
    /// `kycd_domain::vocabulary::FaceStatus`.
    FaceStatus = vocabulary::FaceStatus::ALL,
    "Face check result, automatic or manual (reference §5.2)."
);
enum_schema!(
    /// `kycd_domain::vocabulary::DocumentStatus`.
    DocumentStatus = vocabulary::DocumentStatus::ALL,
    "Document check result, automatic or manual (reference §5.3)."
);
enum_schema!(
    /// `kycd_domain::vocabulary::FraudTag`.
    FraudTag = vocabulary::FraudTag::ALL,
    "A fraud tag; any makes the verification SUSPECTED."
);
enum_schema!(
    /// `kycd_domain::vocabulary::MismatchTag`.
    MismatchTag = vocabulary::MismatchTag::ALL,
    "A data mismatch tag; any makes the verification SUSPECTED."
);
enum_schema!(
    /// `kycd_domain::vocabulary::EventType`.
    EventType = vocabulary::EventType::ALL,
    "The webhook's `Idenfy-Event-Type`."
);
enum_schema!(
    /// `kycd_domain::vocabulary::FileKind`.
    FileKind = vocabulary::FileKind::ALL,
    "A kind of file a verification can have (the keys of `fileUrls` and `videoUrls`)."
);
enum_schema!(
    /// `kycd_domain::sandbox::Chaos`.
    Chaos = sandbox::Chaos::ALL,
    "A sandbox webhook-chaos label: how a delivery is made bad on purpose."
);
enum_schema!(
    /// `kycd_domain::dummy::MANUAL_FACE_VALUES`.
    ManualFaceStatus = dummy::MANUAL_FACE_VALUES,
    "The face results add-dummy-status accepts."
);
enum_schema!(
    /// `kycd_domain::dummy::MANUAL_DOCUMENT_VALUES`.
    ManualDocumentStatus = dummy::MANUAL_DOCUMENT_VALUES,
    "The document results add-dummy-status accepts."
);

#[cfg(test)]
mod tests {
    use super::*;
    use utoipa::PartialSchema;

    fn values(schema: RefOr<Schema>) -> Vec<String> {
        let json = serde_json::to_value(schema).unwrap();
        json["enum"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_owned()).collect()
    }

    #[test]
    fn enum_schemas_list_the_domain_values_in_order() {
        let overall = values(OverallStatus::schema());
        assert_eq!(overall.first().map(String::as_str), Some("APPROVED"));
        assert!(overall.iter().any(|v| v == "EXPIRED-DELETED"));
        assert_eq!(overall.len(), vocabulary::OverallStatus::ALL.len());
        assert_eq!(values(ManualFaceStatus::schema()).len(), dummy::MANUAL_FACE_VALUES.len());
        assert_eq!(
            values(Chaos::schema()),
            ["DUPLICATE", "OUT_OF_ORDER", "STALE_TIMESTAMP", "WRONG_SIGNATURE", "TRUNCATED_BODY"]
        );
    }
}
