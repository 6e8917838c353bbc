//! Typed reads of a JSON request object. Every wrong type becomes a BAD_VALUE naming the field and
//! the expected type, so no request ever reaches a framework's default deserialisation error.
//! `null` and an absent key both read as "not given".

use crate::rejection::Rejection;
use serde_json::{Map, Value};

pub struct Fields<'a> {
    body: &'a Map<String, Value>,
    /// Prepended to field names in messages, for nested objects ("dummyResult.").
    prefix: &'static str,
}

/// "a string", "an array" … for messages.
pub fn json_type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "an integer",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// True for the control characters no field of the API may hold: NUL and the other C0 controls
/// except tab and line breaks, and DEL. (PostgreSQL cannot store NUL in text at all, and none of
/// them has a meaning in a name, id, URL or question.)
pub fn is_forbidden_control(c: char) -> bool {
    (c.is_ascii_control() && !matches!(c, '\t' | '\n' | '\r')) || c == '\u{7f}'
}

/// Refuses a string with a control character, naming the field.
pub fn check_text(field: &str, text: &str) -> Result<(), Rejection> {
    match text.chars().find(|c| is_forbidden_control(*c)) {
        None => Ok(()),
        Some(c) => Err(Rejection::bad_value(format!(
            "Field '{field}' must not contain control characters; it contains U+{:04X}.",
            u32::from(c)
        ))),
    }
}

fn wrong_type(prefix: &str, key: &str, expected: &str, got: &Value) -> Rejection {
    Rejection::bad_value(format!(
        "Field '{prefix}{key}' must be {expected}, got {}.",
        json_type_name(got)
    ))
}

impl<'a> Fields<'a> {
    pub fn new(body: &'a Map<String, Value>) -> Self {
        Self { body, prefix: "" }
    }

    /// Reads a nested object; messages name fields as `{prefix}{key}`.
    pub fn nested(body: &'a Map<String, Value>, prefix: &'static str) -> Self {
        Self { body, prefix }
    }

    fn given(&self, key: &str) -> Option<&'a Value> {
        self.body.get(key).filter(|value| !value.is_null())
    }

    pub fn opt_str(&self, key: &str) -> Result<Option<&'a str>, Rejection> {
        match self.given(key) {
            None => Ok(None),
            Some(Value::String(text)) => {
                check_text(&format!("{}{key}", self.prefix), text)?;
                Ok(Some(text.as_str()))
            }
            Some(other) => Err(wrong_type(self.prefix, key, "a string", other)),
        }
    }

    /// A required string: absent or null is MISSING_VALUE.
    pub fn required_str(&self, key: &str) -> Result<&'a str, Rejection> {
        self.opt_str(key)?.ok_or_else(|| Rejection::missing(&format!("{}{key}", self.prefix)))
    }

    pub fn opt_bool(&self, key: &str) -> Result<Option<bool>, Rejection> {
        match self.given(key) {
            None => Ok(None),
            Some(Value::Bool(flag)) => Ok(Some(*flag)),
            Some(other) => Err(wrong_type(self.prefix, key, "a boolean (true or false)", other)),
        }
    }

    /// An integer. `3600.0` is refused: the API's integers are JSON integers.
    pub fn opt_int(&self, key: &str) -> Result<Option<i64>, Rejection> {
        match self.given(key) {
            None => Ok(None),
            Some(Value::Number(n)) => match n.as_i64() {
                Some(int) => Ok(Some(int)),
                None if n.is_u64() => Ok(Some(i64::MAX)),
                None => Err(Rejection::bad_value(format!(
                    "Field '{}{key}' must be an integer, got {n}.",
                    self.prefix
                ))),
            },
            Some(other) => Err(wrong_type(self.prefix, key, "an integer", other)),
        }
    }

    pub fn opt_number(&self, key: &str) -> Result<Option<f64>, Rejection> {
        match self.given(key) {
            None => Ok(None),
            Some(Value::Number(n)) => Ok(n.as_f64()),
            Some(other) => Err(wrong_type(self.prefix, key, "a number", other)),
        }
    }

    pub fn opt_string_list(&self, key: &str) -> Result<Option<Vec<&'a str>>, Rejection> {
        match self.given(key) {
            None => Ok(None),
            Some(Value::Array(items)) => items
                .iter()
                .map(|item| match item {
                    Value::String(text) => {
                        check_text(&format!("{}{key}", self.prefix), text)?;
                        Ok(text.as_str())
                    }
                    other => Err(Rejection::bad_value(format!(
                        "Field '{}{key}' must be an array of strings; it contains {}.",
                        self.prefix,
                        json_type_name(other)
                    ))),
                })
                .collect::<Result<Vec<_>, _>>()
                .map(Some),
            Some(other) => Err(wrong_type(self.prefix, key, "an array of strings", other)),
        }
    }

    pub fn opt_object(&self, key: &str) -> Result<Option<&'a Map<String, Value>>, Rejection> {
        match self.given(key) {
            None => Ok(None),
            Some(Value::Object(map)) => Ok(Some(map)),
            Some(other) => Err(wrong_type(self.prefix, key, "an object", other)),
        }
    }
}
