//! The environment a partner (API key pair) belongs to. It decides whether dummy results work,
//! which webhook targets are allowed, and the default retention.

use std::{fmt, str::FromStr};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Environment {
    Dev,
    Demo,
    Test,
    Prod,
}

impl Environment {
    pub const ALL: [Environment; 4] = [Self::Dev, Self::Demo, Self::Test, Self::Prod];

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Dev => "DEV",
            Self::Demo => "DEMO",
            Self::Test => "TEST",
            Self::Prod => "PROD",
        }
    }

    /// True for the sandbox environment, where dummy results and plain-http webhooks are allowed.
    pub const fn is_sandbox(self) -> bool {
        matches!(self, Self::Dev)
    }

    /// The exact message iDenfy sends when a DEV-only endpoint is called from this environment.
    pub const fn dev_only_refusal(self) -> Option<&'static str> {
        match self {
            Self::Dev => None,
            Self::Demo => Some("This endpoint is not available for DEMO partners."),
            Self::Test | Self::Prod => {
                Some("This endpoint is not available for TESTING/PRODUCTION partners.")
            }
        }
    }
}

impl fmt::Display for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

#[derive(Debug, thiserror::Error)]
#[error("unknown environment '{0}': expected one of dev, demo, test, prod")]
pub struct UnknownEnvironment(pub String);

impl FromStr for Environment {
    type Err = UnknownEnvironment;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "dev" | "development" | "sandbox" => Ok(Self::Dev),
            "demo" => Ok(Self::Demo),
            "test" | "testing" => Ok(Self::Test),
            "prod" | "production" => Ok(Self::Prod),
            _ => Err(UnknownEnvironment(s.to_owned())),
        }
    }
}
