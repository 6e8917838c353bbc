//! The closed vocabularies of the API (reference §2.3, §4.2, §5): each enum knows its wire string,
//! parses from it, and lists all of its values in wire order for error messages and docs.

macro_rules! wire_enum {
    ($(#[$doc:meta])* $name:ident { $($variant:ident = $wire:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$(Self::$variant),+];

            pub const fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $wire),+ }
            }

            pub fn parse(value: &str) -> Option<Self> {
                match value { $($wire => Some(Self::$variant),)+ _ => None }
            }

            /// "A, B, C": the allowed values, for error messages.
            pub fn allowed() -> String {
                Self::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", ")
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str(self.as_str()) }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let raw = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
                Self::parse(&raw).ok_or_else(|| serde::de::Error::custom(format!(
                    "unknown {} '{}': expected one of {}", stringify!($name), raw, Self::allowed()
                )))
            }
        }
    };
}

pub(crate) use wire_enum;

wire_enum!(
    /// The kinds of file a verification can have: its images and videos (the keys of `fileUrls`
    /// and `videoUrls`, and the only names accepted in file paths).
    FileKind {
        Front = "FRONT",
        Back = "BACK",
        Face = "FACE",
        FrontVideo = "FRONT_VIDEO",
        BackVideo = "BACK_VIDEO",
        FaceVideo = "FACE_VIDEO",
        UtilityBill = "UTILITY_BILL",
    }
);

impl FileKind {
    /// Videos are listed under `videoUrls`, images under `fileUrls`.
    pub const fn is_video(self) -> bool {
        matches!(self, Self::FrontVideo | Self::BackVideo | Self::FaceVideo)
    }
}

wire_enum!(
    /// `tokenType` of POST /api/v2/token.
    TokenType {
        Identification = "IDENTIFICATION",
        Document = "DOCUMENT",
        VideoCall = "VIDEO_CALL",
        VideoCallPhotos = "VIDEO_CALL_PHOTOS",
        VideoCallIdentification = "VIDEO_CALL_IDENTIFICATION",
    }
);

impl TokenType {
    pub const fn is_video_call(self) -> bool {
        matches!(self, Self::VideoCall | Self::VideoCallPhotos | Self::VideoCallIdentification)
    }
}

wire_enum!(
    /// Request-side `documents` values (iDenfy's token-generation page plus R21's `OTHER`, reference §0).
    DocumentKind {
        IdCard = "ID_CARD",
        Passport = "PASSPORT",
        ResidencePermit = "RESIDENCE_PERMIT",
        DriverLicense = "DRIVER_LICENSE",
        Aadhaar = "AADHAAR",
        PanCard = "PAN_CARD",
        Visa = "VISA",
        BorderCrossing = "BORDER_CROSSING",
        Asylum = "ASYLUM",
        NationalPassport = "NATIONAL_PASSPORT",
        InternationalPassport = "INTERNATIONAL_PASSPORT",
        VoterCard = "VOTER_CARD",
        OldIdCard = "OLD_ID_CARD",
        TravelCard = "TRAVEL_CARD",
        PhotoCard = "PHOTO_CARD",
        MilitaryCard = "MILITARY_CARD",
        ProofOfAgeCard = "PROOF_OF_AGE_CARD",
        DiplomaticId = "DIPLOMATIC_ID",
        Other = "OTHER",
    }
);

impl DocumentKind {
    /// kycd's built-in default for `documents` (DECISIONS.md).
    pub const DEFAULT: [DocumentKind; 4] =
        [Self::IdCard, Self::Passport, Self::ResidencePermit, Self::DriverLicense];
}

wire_enum!(
    /// `dummyStatus` values (DEV only). `ACTIVE` comes from iDenfy's dummy-session page.
    DummyStatus {
        Approved = "APPROVED",
        Denied = "DENIED",
        Suspected = "SUSPECTED",
        Expired = "EXPIRED",
        Active = "ACTIVE",
    }
);

wire_enum!(
    /// `sex` in the token request.
    Sex { Male = "M", Female = "F" }
);

wire_enum!(
    /// Overall verification status (reference §5.1).
    OverallStatus {
        Approved = "APPROVED",
        Denied = "DENIED",
        Suspected = "SUSPECTED",
        Reviewing = "REVIEWING",
        Active = "ACTIVE",
        Expired = "EXPIRED",
        ExpiredDeleted = "EXPIRED-DELETED",
        Deleted = "DELETED",
        Archived = "ARCHIVED",
    }
);

wire_enum!(
    /// Face check results, automatic and manual (reference §5.2, OAS order).
    FaceStatus {
        FaceMatch = "FACE_MATCH",
        FaceNotChecked = "FACE_NOT_CHECKED",
        FaceMismatch = "FACE_MISMATCH",
        NoFaceFound = "NO_FACE_FOUND",
        TooManyFaces = "TOO_MANY_FACES",
        FaceTooBlurry = "FACE_TOO_BLURRY",
        FaceGlared = "FACE_GLARED",
        FaceUncertain = "FACE_UNCERTAIN",
        FaceNotAnalysed = "FACE_NOT_ANALYSED",
        FaceError = "FACE_ERROR",
        AutoUnverifiable = "AUTO_UNVERIFIABLE",
        FakeFace = "FAKE_FACE",
    }
);

wire_enum!(
    /// Document check results, automatic and manual (reference §5.3, OAS full set).
    DocumentStatus {
        DocValidated = "DOC_VALIDATED",
        DocInfoMismatch = "DOC_INFO_MISMATCH",
        DocNotFound = "DOC_NOT_FOUND",
        DocNotFullyVisible = "DOC_NOT_FULLY_VISIBLE",
        DocFaceNotFound = "DOC_FACE_NOT_FOUND",
        DocTooBlurry = "DOC_TOO_BLURRY",
        DocGlared = "DOC_GLARED",
        DocFaceGlared = "DOC_FACE_GLARED",
        MrzNotFound = "MRZ_NOT_FOUND",
        MrzOcrReadingError = "MRZ_OCR_READING_ERROR",
        BarcodeNotFound = "BARCODE_NOT_FOUND",
        DocExpired = "DOC_EXPIRED",
        DocNotSupported = "DOC_NOT_SUPPORTED",
        CountryNotSupported = "COUNTRY_NOT_SUPPORTED",
        CountryMismatch = "COUNTRY_MISMATCH",
        DocTypeMismatch = "DOC_TYPE_MISMATCH",
        DocSubtypeMismatch = "DOC_SUBTYPE_MISMATCH",
        DocSideMismatch = "DOC_SIDE_MISMATCH",
        DocDamaged = "DOC_DAMAGED",
        DocFake = "DOC_FAKE",
        DocPersonalCodeInvalid = "DOC_PERSONAL_CODE_INVALID",
        DocNotAllowed = "DOC_NOT_ALLOWED",
        DocNameError = "DOC_NAME_ERROR",
        DocSurnameError = "DOC_SURNAME_ERROR",
        DocExpiryError = "DOC_EXPIRY_ERROR",
        DocDobError = "DOC_DOB_ERROR",
        DocPersonalNumberError = "DOC_PERSONAL_NUMBER_ERROR",
        DocNumberError = "DOC_NUMBER_ERROR",
        DocDateOfIssueError = "DOC_DATE_OF_ISSUE_ERROR",
        DocSexError = "DOC_SEX_ERROR",
        DocNationalityError = "DOC_NATIONALITY_ERROR",
        DocNotAnalysed = "DOC_NOT_ANALYSED",
        DocError = "DOC_ERROR",
        AutoUnverifiable = "AUTO_UNVERIFIABLE",
        DocSpoofDetected = "DOC_SPOOF_DETECTED",
        MrzInvalid = "MRZ_INVALID",
        EidFailed = "EID_FAILED",
        NfcInitFailed = "NFC_INIT_FAILED",
        NfcFailed = "NFC_FAILED",
        NfcTimeout = "NFC_TIMEOUT",
    }
);

wire_enum!(
    /// `fraudTags` (OAS FraudTagsEnum plus the utility-address tag of iDenfy's data-retrieval page).
    FraudTag {
        FaceInBlacklist = "FACE_IN_BLACKLIST",
        DocFaceInBlacklist = "DOC_FACE_IN_BLACKLIST",
        DataBlacklisted = "DATA_BLACKLISTED",
        DataInBlacklist = "DATA_IN_BLACKLIST",
        DuplicateFace = "DUPLICATE_FACE",
        DuplicateDocFace = "DUPLICATE_DOC_FACE",
        DuplicatePersonalData = "DUPLICATE_PERSONAL_DATA",
        VirtualCamera = "VIRTUAL_CAMERA",
        AddressUnverified = "ADDRESS_UNVERIFIED",
        PortraitSubstitution = "PORTRAIT_SUBSTITUTION",
        FaceSuspected = "FACE_SUSPECTED",
        FaceBlacklisted = "FACE_BLACKLISTED",
        DocFaceBlacklisted = "DOC_FACE_BLACKLISTED",
        DocMobilePhoto = "DOC_MOBILE_PHOTO",
        DevToolsOpened = "DEV_TOOLS_OPENED",
        DocPrintSpoofed = "DOC_PRINT_SPOOFED",
        FakePhoto = "FAKE_PHOTO",
        AmlSuspection = "AML_SUSPECTION",
        AmlFailed = "AML_FAILED",
        LidSuspection = "LID_SUSPECTION",
        LidFailed = "LID_FAILED",
        SanctionsSuspection = "SANCTIONS_SUSPECTION",
        SanctionsFailed = "SANCTIONS_FAILED",
        CriminalSuspected = "CRIMINAL_SUSPECTED",
        CriminalCheckFailed = "CRIMINAL_CHECK_FAILED",
        RcFailed = "RC_FAILED",
        DlFailed = "DL_FAILED",
        AutoUnverifiable = "AUTO_UNVERIFIABLE",
        UtilityAddressCheckFailure = "UTILITY_ADDRESS_CHECK_FAILURE",
    }
);

wire_enum!(
    /// Where a stored face comes from: the selfie, or the portrait on the document.
    FaceOrigin {
        Selfie = "SELFIE",
        Document = "DOCUMENT",
    }
);

wire_enum!(
    /// `blocklistSource` of `/kyc/identifications/{scanRef}/blocklists/{blocklistSource}/` (OAS):
    /// what of a verification goes on its partner's blocklist — the selfie's face, the document's
    /// portrait, or the person's data read from the document.
    BlocklistSource {
        Document = "DOCUMENT",
        DocumentInfo = "DOCUMENT_INFO",
        Selfie = "SELFIE",
    }
);

impl BlocklistSource {
    /// The face an entry blocks, for the face sources.
    pub const fn face(self) -> Option<FaceOrigin> {
        match self {
            Self::Selfie => Some(FaceOrigin::Selfie),
            Self::Document => Some(FaceOrigin::Document),
            Self::DocumentInfo => None,
        }
    }

    /// The tag the verification put on the list carries (`*_IN_BLACKLIST`, reference §5.4).
    pub const fn added_tag(self) -> FraudTag {
        match self {
            Self::Selfie => FraudTag::FaceInBlacklist,
            Self::Document => FraudTag::DocFaceInBlacklist,
            Self::DocumentInfo => FraudTag::DataInBlacklist,
        }
    }
}

wire_enum!(
    /// `mismatchTags` (OAS InfoMismatchEnum plus MK23's GDC_NOT_MATCH).
    MismatchTag {
        Name = "NAME",
        Surname = "SURNAME",
        DocumentNumber = "DOCUMENT_NUMBER",
        PersonalCode = "PERSONAL_CODE",
        ExpiryDate = "EXPIRY_DATE",
        DateOfBirth = "DATE_OF_BIRTH",
        DateOfIssue = "DATE_OF_ISSUE",
        Nationality = "NATIONALITY",
        Sex = "SEX",
        FullName = "FULL_NAME",
        DocInfoMismatch = "DOC_INFO_MISMATCH",
        UnderAge = "UNDER_AGE",
        OverAge = "OVER_AGE",
        UnknownAge = "UNKNOWN_AGE",
        UtilityAddress = "UTILITY_ADDRESS",
        UtilityName = "UTILITY_NAME",
        ExpiredUtilityBill = "EXPIRED_UTILITY_BILL",
        InvalidAdditionalStep = "INVALID_ADDITIONAL_STEP",
        AdditionalStepNotFound = "ADDITIONAL_STEP_NOT_FOUND",
        AdditionalStepInformationMismatch = "ADDITIONAL_STEP_INFORMATION_MISMATCH",
        ExpiredAdditionalStepInformation = "EXPIRED_ADDITIONAL_STEP_INFORMATION",
        RegistryCenterInfoMismatch = "REGISTRY_CENTER_INFO_MISMATCH",
        DriverLicenseInfoMismatch = "DRIVER_LICENSE_INFO_MISMATCH",
        NotSupportedPoaDocumentType = "NOT_SUPPORTED_POA_DOCUMENT_TYPE",
        NotSupportedPoaDocumentCountry = "NOT_SUPPORTED_POA_DOCUMENT_COUNTRY",
        PoaCountriesMismatch = "POA_COUNTRIES_MISMATCH",
        PoaScreenshotDetected = "POA_SCREENSHOT_DETECTED",
        GdcNotMatch = "GDC_NOT_MATCH",
    }
);

wire_enum!(
    /// `Idenfy-Event-Type` values kycd sends.
    EventType {
        AutoFinished = "IDENTIFICATION_AUTO_FINISHED",
        ManualFinished = "IDENTIFICATION_MANUAL_FINISHED",
        Expired = "IDENTIFICATION_EXPIRED",
        Cancelled = "IDENTIFICATION_CANCELLED",
    }
);

/// Locales the hosted flow knows (iDenfy's token-generation page plus the newer `lang` list). Others fall back to "en".
pub const LOCALES: &[&str] = &[
    "lt", "en", "ru", "pl", "lv", "ro", "it", "de", "fr", "sv", "es", "hu", "ja", "bg", "et", "cs",
    "nl", "pt", "uk", "vi", "sk", "th", "hi", "id",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_strings_round_trip() {
        for status in OverallStatus::ALL {
            assert_eq!(OverallStatus::parse(status.as_str()), Some(*status));
        }
        assert_eq!(OverallStatus::ExpiredDeleted.as_str(), "EXPIRED-DELETED");
        assert_eq!(FaceStatus::parse("face_match"), None);
        assert!(DocumentKind::allowed().starts_with("ID_CARD, PASSPORT"));
    }
}
