//! Identity: verifying and minting the contract's HS256 JWT.
//!
//! Every service verifies tokens the same way: HS256 pinned, `exp` and `sub` required, a small
//! clock leeway. The subject (`sub`) is the only identity the services act on.

use std::fmt;

use http::HeaderMap;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, errors::ErrorKind};
use serde::{Deserialize, Serialize};

/// Better Auth asks for a secret of at least 32 characters; a shorter one is refused.
pub const MIN_SECRET_LEN: usize = 32;
const LEEWAY_SECONDS: u64 = 30;

/// The verified user a request or a stdio session acts for.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct UserId(String);

impl UserId {
    /// A user id from configuration (stdio single-user mode) or a verified token.
    pub fn new(id: impl Into<String>) -> Result<Self, AuthError> {
        let id = id.into();
        if id.trim().is_empty() || id.len() > 255 || id.chars().any(char::is_control) {
            return Err(AuthError::InvalidSubject);
        }
        Ok(Self(id))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The contract's claims. `email` and `name` may be present and are not needed here.
#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub exp: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iat: Option<u64>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum AuthError {
    #[error("missing bearer token")]
    MissingToken,
    #[error("the token has expired")]
    Expired,
    #[error("the token is malformed or its signature is invalid")]
    Invalid,
    #[error("the token's subject is not a usable user id")]
    InvalidSubject,
}

#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("BETTER_AUTH_SECRET is not set; it is required to verify tokens")]
    Missing,
    #[error(
        "BETTER_AUTH_SECRET must be at least {MIN_SECRET_LEN} characters \
         (generate one with `openssl rand -base64 32`)"
    )]
    TooShort,
}

/// Verifies and mints tokens with the shared `BETTER_AUTH_SECRET`.
#[derive(Clone)]
pub struct JwtKeys {
    decoding: DecodingKey,
    encoding: EncodingKey,
    validation: Validation,
}

impl fmt::Debug for JwtKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("JwtKeys(<redacted>)")
    }
}

impl JwtKeys {
    pub fn from_secret(secret: Option<&str>) -> Result<Self, SecretError> {
        let secret = secret
            .filter(|s| !s.is_empty())
            .ok_or(SecretError::Missing)?;
        if secret.chars().count() < MIN_SECRET_LEN {
            return Err(SecretError::TooShort);
        }
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_required_spec_claims(&["exp", "sub"]);
        validation.leeway = LEEWAY_SECONDS;
        validation.validate_aud = false;
        Ok(Self {
            decoding: DecodingKey::from_secret(secret.as_bytes()),
            encoding: EncodingKey::from_secret(secret.as_bytes()),
            validation,
        })
    }

    pub fn verify(&self, token: &str) -> Result<UserId, AuthError> {
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map_err(|e| match e.kind() {
                ErrorKind::ExpiredSignature => AuthError::Expired,
                _ => AuthError::Invalid,
            })?;
        UserId::new(data.claims.sub)
    }

    /// Verifies the `Authorization: Bearer` header of an HTTP request.
    pub fn verify_headers(&self, headers: &HeaderMap) -> Result<UserId, AuthError> {
        self.verify(bearer_token(headers).ok_or(AuthError::MissingToken)?)
    }

    pub fn mint(&self, user: &UserId, ttl: std::time::Duration) -> String {
        let now = jsonwebtoken::get_current_timestamp();
        let claims = Claims {
            sub: user.as_str().to_owned(),
            exp: now + ttl.as_secs(),
            iat: Some(now),
        };
        // HS256 signing of a serialisable struct with an HMAC key cannot fail.
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .unwrap_or_default()
    }
}

/// The token of an `Authorization: Bearer` header, if there is one.
pub fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(http::header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    const SECRET: &str = "0123456789abcdef0123456789abcdef";

    fn keys() -> JwtKeys {
        JwtKeys::from_secret(Some(SECRET)).expect("valid secret")
    }

    fn sign(header: &Header, claims: &serde_json::Value, secret: &str) -> String {
        jsonwebtoken::encode(header, claims, &EncodingKey::from_secret(secret.as_bytes()))
            .expect("sign")
    }

    fn in_an_hour() -> u64 {
        jsonwebtoken::get_current_timestamp() + 3600
    }

    #[test]
    fn minted_tokens_verify_to_their_subject() {
        let user = UserId::new("user-1").unwrap();
        let token = keys().mint(&user, Duration::from_secs(60));
        assert_eq!(keys().verify(&token), Ok(user));
    }

    #[test]
    fn refuses_missing_and_short_secrets() {
        assert!(matches!(
            JwtKeys::from_secret(None),
            Err(SecretError::Missing)
        ));
        assert!(matches!(
            JwtKeys::from_secret(Some("")),
            Err(SecretError::Missing)
        ));
        assert!(matches!(
            JwtKeys::from_secret(Some("short")),
            Err(SecretError::TooShort)
        ));
    }

    #[test]
    fn rejects_other_algorithms_wrong_keys_and_missing_claims() {
        let good = serde_json::json!({"sub": "u", "exp": in_an_hour()});
        let hs512 = sign(&Header::new(Algorithm::HS512), &good, SECRET);
        assert_eq!(keys().verify(&hs512), Err(AuthError::Invalid));
        let other_key = sign(
            &Header::default(),
            &good,
            "another-secret-another-secret-xx",
        );
        assert_eq!(keys().verify(&other_key), Err(AuthError::Invalid));
        let no_sub = sign(
            &Header::default(),
            &serde_json::json!({"exp": in_an_hour()}),
            SECRET,
        );
        assert_eq!(keys().verify(&no_sub), Err(AuthError::Invalid));
        let no_exp = sign(&Header::default(), &serde_json::json!({"sub": "u"}), SECRET);
        assert_eq!(keys().verify(&no_exp), Err(AuthError::Invalid));
        let blank_sub = sign(
            &Header::default(),
            &serde_json::json!({"sub": " ", "exp": in_an_hour()}),
            SECRET,
        );
        assert_eq!(keys().verify(&blank_sub), Err(AuthError::InvalidSubject));
    }

    #[test]
    fn rejects_alg_none_and_expired_tokens() {
        use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
        let b64 = |bytes: &[u8]| URL_SAFE_NO_PAD.encode(bytes);
        let unsigned = format!(
            "{}.{}.",
            b64(br#"{"alg":"none","typ":"JWT"}"#),
            b64(format!(r#"{{"sub":"u","exp":{}}}"#, in_an_hour()).as_bytes())
        );
        assert_eq!(keys().verify(&unsigned), Err(AuthError::Invalid));
        let past = jsonwebtoken::get_current_timestamp() - 3600;
        let expired = sign(
            &Header::default(),
            &serde_json::json!({"sub": "u", "exp": past}),
            SECRET,
        );
        assert_eq!(keys().verify(&expired), Err(AuthError::Expired));
    }

    #[test]
    fn reads_only_bearer_authorization() {
        let mut headers = HeaderMap::new();
        assert_eq!(
            keys().verify_headers(&headers),
            Err(AuthError::MissingToken)
        );
        headers.insert(http::header::AUTHORIZATION, "Basic abc".parse().unwrap());
        assert_eq!(
            keys().verify_headers(&headers),
            Err(AuthError::MissingToken)
        );
        headers.insert(
            http::header::AUTHORIZATION,
            "Bearer garbage".parse().unwrap(),
        );
        assert_eq!(keys().verify_headers(&headers), Err(AuthError::Invalid));
    }
}
