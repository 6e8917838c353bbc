//! The `IdentificationWebhook` body (reference §4.4, key order of the §4.7 example, OAS extras
//! after). Every key is present, null where unknown; times are integer Unix seconds; the bytes are
//! compact JSON with nothing after the closing brace. The same shape also serves /api/v2/data.

use kycd_domain::{result::VerificationResult, vocabulary::OverallStatus};
use serde_json::{Map, Value, json};

/// Everything a webhook body says about one verification at one moment.
#[derive(Debug, Clone)]
pub struct WebhookInput<'a> {
    pub scan_ref: &'a str,
    pub client_id: &'a str,
    pub external_ref: Option<&'a str>,
    pub overall: OverallStatus,
    pub is_final: bool,
    /// None for a session that never produced a result (e.g. expired unused).
    pub result: Option<&'a VerificationResult>,
    /// Unix seconds used when there is no result (creation and expiry of the token).
    pub start_time: i64,
    pub finish_time: i64,
    /// FRONT/BACK/FACE … → URL.
    pub file_urls: Map<String, Value>,
}

fn tags<T: serde::Serialize>(items: &[T]) -> Value {
    serde_json::to_value(items).unwrap_or_else(|_| Value::Array(vec![]))
}

/// The status object (§4.4.1).
pub fn status_object(overall: OverallStatus, result: Option<&VerificationResult>) -> Value {
    let empty = VerificationResult::default();
    let r = result.unwrap_or(&empty);
    json!({
        "overall": overall.as_str(),
        "suspicionReasons": [],
        "mismatchTags": tags(&r.mismatch_tags),
        "fraudTags": tags(&r.fraud_tags),
        "autoDocument": r.auto_document.map(|d| d.as_str()),
        "autoFace": r.auto_face.map(|f| f.as_str()),
        "manualDocument": r.manual_document.map(|d| d.as_str()),
        "manualFace": r.manual_face.map(|f| f.as_str()),
        "additionalSteps": null,
    })
}

/// The body as a JSON value, keys in wire order.
pub fn identification_webhook(input: &WebhookInput<'_>) -> Value {
    let empty = VerificationResult::default();
    let result = input.result.unwrap_or(&empty);
    let data = serde_json::to_value(&result.data).unwrap_or_else(|_| Value::Object(Map::new()));
    let (start_time, finish_time) = match input.result {
        Some(r) => (r.start_time, r.finish_time),
        None => (input.start_time, input.finish_time),
    };
    json!({
        "clientId": input.client_id,
        "scanRef": input.scan_ref,
        "externalRef": input.external_ref,
        "platform": input.result.and_then(|r| r.platform.as_deref()),
        "startTime": start_time,
        "finishTime": finish_time,
        "clientIp": null,
        "clientIpCountry": null,
        "clientLocation": null,
        "final": input.is_final,
        "status": status_object(input.overall, input.result),
        "data": data,
        "fileUrls": input.file_urls,
        "additionalStepPdfUrls": {},
        "AML": null,
        "LID": null,
        "amlCheck": null,
        "CRIMINAL_CHECK": null,
        "companyId": null,
        "beneficiaryId": null,
        "gdcMatch": null,
        "manualAddress": null,
        "manualAddressMatch": false,
        "registryCenterCheck": null,
        "addressVerification": null,
        "questionnaireAnswers": null,
        "riskAssessment": null,
        "bankVerification": null,
        "emailVerification": null,
        "phoneVerification": null,
        "driverLicenseCheck": null,
        "bankCardVerification": null,
        "additionalSteps": null,
    })
}

/// The exact bytes sent: compact JSON, no trailing newline.
pub fn to_bytes(body: &Value) -> Vec<u8> {
    serde_json::to_vec(body).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_is_compact_with_every_key_and_integer_times() {
        let input = WebhookInput {
            scan_ref: "s",
            client_id: "c",
            external_ref: None,
            overall: OverallStatus::Expired,
            is_final: true,
            result: None,
            start_time: 10,
            finish_time: 20,
            file_urls: Map::new(),
        };
        let body = identification_webhook(&input);
        let bytes = to_bytes(&body);
        assert_eq!(bytes.last(), Some(&b'}'));
        assert!(!bytes.contains(&b'\n') && !bytes.starts_with(b" "));
        assert_eq!(body["startTime"], 10);
        assert_eq!(body["status"]["suspicionReasons"], json!([]));
        assert_eq!(body["status"]["autoFace"], Value::Null);
        assert_eq!(body["data"]["docFirstName"], Value::Null);
        assert_eq!(body["data"]["manuallyDataChanged"], false);
        assert_eq!(body.as_object().map(|o| o.len()), Some(33));
    }
}
