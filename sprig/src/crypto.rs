//! sprig's password and symmetric-encryption functions: `derivePassword` (the Master
//! Password algorithm: scrypt key from the master password and user, HMAC-SHA256 seed from
//! the site and counter, characters picked from a template), `encryptAES`/`decryptAES`
//! (AES-256-CBC, key = the password's bytes zero-padded or cut to 32, PKCS#7-style padding,
//! random IV prepended, standard base64) and `bcrypt` (cost 10, `$2a$`).
//!
//! Randomness (the IV and the bcrypt salt) comes from the caller, so the render's generator
//! decides it.

use aes::Aes256;
use aes::cipher::{BlockDecrypt, BlockEncrypt, KeyInit};
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

const MASTER_PASSWORD_SEED: &[u8] = b"com.lyndir.masterpassword";

/// Password templates of the Master Password algorithm, by `passwordType`.
fn templates(kind: &str) -> Option<&'static [&'static str]> {
    Some(match kind {
        "maximum" => &["anoxxxxxxxxxxxxxxxxx", "axxxxxxxxxxxxxxxxxno"],
        "long" => &[
            "CvcvnoCvcvCvcv",
            "CvcvCvcvnoCvcv",
            "CvcvCvcvCvcvno",
            "CvccnoCvcvCvcv",
            "CvccCvcvnoCvcv",
            "CvccCvcvCvcvno",
            "CvcvnoCvccCvcv",
            "CvcvCvccnoCvcv",
            "CvcvCvccCvcvno",
            "CvcvnoCvcvCvcc",
            "CvcvCvcvnoCvcc",
            "CvcvCvcvCvccno",
            "CvccnoCvccCvcv",
            "CvccCvccnoCvcv",
            "CvccCvccCvcvno",
            "CvcvnoCvccCvcc",
            "CvcvCvccnoCvcc",
            "CvcvCvccCvccno",
            "CvccnoCvcvCvcc",
            "CvccCvcvnoCvcc",
            "CvccCvcvCvccno",
        ],
        "medium" => &["CvcnoCvc", "CvcCvcno"],
        "short" => &["Cvcn"],
        "basic" => &["aaanaaan", "aannaaan", "aaannaaa"],
        "pin" => &["nnnn"],
        _ => return None,
    })
}

/// Characters of one template class.
fn class(c: u8) -> &'static [u8] {
    match c {
        b'V' => b"AEIOU",
        b'C' => b"BCDFGHJKLMNPQRSTVWXYZ",
        b'v' => b"aeiou",
        b'c' => b"bcdfghjklmnpqrstvwxyz",
        b'A' => b"AEIOUBCDFGHJKLMNPQRSTVWXYZ",
        b'a' => b"AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz",
        b'n' => b"0123456789",
        b'o' => b"@&%?,=[]_:-+*$#!'^~;()/.",
        b'x' => b"AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz0123456789!@#$%^&*()",
        _ => b"",
    }
}

/// `derivePassword COUNTER TYPE PASSWORD USER SITE`. An unknown type yields sprig's message
/// as the result (not an error), as in Go.
pub fn derive_password(counter: u32, kind: &str, password: &str, user: &str, site: &str) -> String {
    let Some(templates) = templates(kind) else {
        return format!("cannot find password template {kind}");
    };
    let mut salt = MASTER_PASSWORD_SEED.to_vec();
    salt.extend_from_slice(&(user.len() as u32).to_be_bytes());
    salt.extend_from_slice(user.as_bytes());
    // N = 32768 (log2 15), r = 8, p = 2, 64 bytes
    let params = scrypt::Params::new(15, 8, 2, 64).expect("valid scrypt parameters");
    let mut key = [0u8; 64];
    if let Err(e) = scrypt::scrypt(password.as_bytes(), &salt, &params, &mut key) {
        return format!("failed to derive password: {e}");
    }
    let mut msg = MASTER_PASSWORD_SEED.to_vec();
    msg.extend_from_slice(&(site.len() as u32).to_be_bytes());
    msg.extend_from_slice(site.as_bytes());
    msg.extend_from_slice(&counter.to_be_bytes());
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&key).expect("HMAC takes any key length");
    mac.update(&msg);
    let seed = mac.finalize().into_bytes();
    let template = templates[seed[0] as usize % templates.len()].as_bytes();
    template
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            let chars = class(c);
            chars[seed[i + 1] as usize % chars.len()] as char
        })
        .collect()
}

fn aes_key(password: &str) -> Aes256 {
    let mut key = [0u8; 32];
    let p = password.as_bytes();
    let n = p.len().min(32);
    key[..n].copy_from_slice(&p[..n]);
    Aes256::new_from_slice(&key).expect("32-byte key")
}

/// `encryptAES PASSWORD TEXT` with the given IV; `""` for empty text.
pub fn encrypt_aes(password: &str, plaintext: &str, iv: [u8; 16]) -> String {
    if plaintext.is_empty() {
        return String::new();
    }
    let cipher = aes_key(password);
    let mut content = plaintext.as_bytes().to_vec();
    let pad = 16 - content.len() % 16;
    content.extend(std::iter::repeat_n(pad as u8, pad));
    let mut out = Vec::with_capacity(16 + content.len());
    out.extend_from_slice(&iv);
    let mut prev = iv;
    for chunk in content.chunks(16) {
        let mut block = [0u8; 16];
        for (i, b) in block.iter_mut().enumerate() {
            *b = chunk[i] ^ prev[i];
        }
        let mut ga = aes::Block::from(block);
        cipher.encrypt_block(&mut ga);
        prev.copy_from_slice(&ga);
        out.extend_from_slice(&ga);
    }
    base64::engine::general_purpose::STANDARD.encode(out)
}

/// `decryptAES PASSWORD BASE64`; errors carry the texts Go reports (its runtime panics for
/// short or badly padded input become errors).
pub fn decrypt_aes(password: &str, crypt64: &str) -> Result<String, String> {
    if crypt64.is_empty() {
        return Ok(String::new());
    }
    let crypt = go_base64_decode(crypt64)?;
    if crypt.len() < 16 {
        return Err(format!(
            "runtime error: slice bounds out of range [:16] with capacity {}",
            crypt.len()
        ));
    }
    let (iv, body) = crypt.split_at(16);
    if !body.len().is_multiple_of(16) {
        return Err("crypto/cipher: input not full blocks".into());
    }
    if body.is_empty() {
        return Err("runtime error: index out of range [-1]".into());
    }
    let cipher = aes_key(password);
    let mut prev: [u8; 16] = iv.try_into().expect("16 bytes");
    let mut out = Vec::with_capacity(body.len());
    for chunk in body.chunks(16) {
        let arr: [u8; 16] = chunk.try_into().expect("16 bytes");
        let mut ga = aes::Block::from(arr);
        cipher.decrypt_block(&mut ga);
        for i in 0..16 {
            out.push(ga[i] ^ prev[i]);
        }
        prev.copy_from_slice(chunk);
    }
    let pad = *out.last().expect("non-empty") as usize;
    if pad > out.len() {
        return Err(format!(
            "runtime error: slice bounds out of range [:{}]",
            out.len() as i64 - pad as i64
        ));
    }
    out.truncate(out.len() - pad);
    Ok(String::from_utf8_lossy(&out).into_owned())
}

/// `base64.StdEncoding.DecodeString` with Go's error text (`illegal base64 data at input
/// byte N`, N = where the bad quantum starts for a truncated input).
pub fn go_base64_decode(s: &str) -> Result<Vec<u8>, String> {
    base64::engine::general_purpose::STANDARD
        .decode(s)
        .map_err(|e| {
            let at = match e {
                base64::DecodeError::InvalidByte(i, _)
                | base64::DecodeError::InvalidLastSymbol(i, _) => i,
                base64::DecodeError::InvalidLength(_) | base64::DecodeError::InvalidPadding => {
                    s.len() / 4 * 4
                }
            };
            format!("illegal base64 data at input byte {at}")
        })
}

/// Go's `bcrypt.DefaultCost`.
pub const BCRYPT_COST: u32 = 10;

/// `bcrypt INPUT` with the given salt: `$2a$10$…` (60 characters), or sprig's failure text.
pub fn bcrypt_hash(input: &str, salt: [u8; 16]) -> String {
    if input.len() > 72 {
        return "failed to encrypt string with bcrypt: bcrypt: password length exceeds 72 bytes"
            .into();
    }
    match bcrypt::hash_with_salt(input.as_bytes(), BCRYPT_COST, salt) {
        Ok(parts) => parts.format_for_version(bcrypt::Version::TwoA),
        Err(e) => format!("failed to encrypt string with bcrypt: {e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derive_password_matches_helm() {
        // expectations rendered by Helm v4.2.3
        assert_eq!(
            derive_password(1, "long", "password", "user", "example.com"),
            "ZedaFaxcZaso9*"
        );
        assert_eq!(derive_password(3, "short", "pw", "", ""), "Max4");
        assert_eq!(
            derive_password(1, "nope", "p", "u", "s"),
            "cannot find password template nope"
        );
    }

    #[test]
    fn aes_round_trip_and_known_ciphertext() {
        let iv = *b"0123456789abcdef";
        let c = encrypt_aes("k", "x", iv);
        assert_eq!(c.len(), 44);
        assert_eq!(decrypt_aes("k", &c).unwrap(), "x");
        let c = encrypt_aes("k", "0123456789abcdef", iv);
        assert_eq!(c.len(), 64);
        assert_eq!(decrypt_aes("k", &c).unwrap(), "0123456789abcdef");
        // keys longer than 32 bytes are cut
        let c = encrypt_aes("0123456789abcdef0123456789abcdefXYZ", "hello", iv);
        assert_eq!(
            decrypt_aes("0123456789abcdef0123456789abcdef", &c).unwrap(),
            "hello"
        );
        assert_eq!(encrypt_aes("k", "", iv), "");
    }

    #[test]
    fn decrypt_aes_errors_as_go() {
        assert_eq!(
            decrypt_aes("k", "YWJj").unwrap_err(),
            "runtime error: slice bounds out of range [:16] with capacity 3"
        );
        assert_eq!(
            decrypt_aes("k", "YWJjZGVmZ2hpamtsbW5vcA==").unwrap_err(),
            "runtime error: index out of range [-1]"
        );
        assert_eq!(
            decrypt_aes("k", "YWJjZGVmZ2hpamtsbW5vcGFiY2RlZmdoaWprbG1ub3BhYmM=").unwrap_err(),
            "crypto/cipher: input not full blocks"
        );
        assert_eq!(
            decrypt_aes("k", "abc").unwrap_err(),
            "illegal base64 data at input byte 0"
        );
    }

    #[test]
    fn bcrypt_verifies_a_go_hash() {
        // produced by Helm v4.2.3: {{ bcrypt "p" }}
        let go = "$2a$10$SfPcx.VEGJuGgbRUDSd0FewcyUSULeA7Cr63JKDlFM4zpw8VeT/0a";
        assert!(bcrypt::verify("p", go).unwrap());
        let ours = bcrypt_hash("p", [7; 16]);
        assert_eq!(ours.len(), 60);
        assert!(ours.starts_with("$2a$10$"));
        assert!(bcrypt::verify("p", &ours).unwrap());
        assert!(!bcrypt::verify("q", &ours).unwrap());
        assert_eq!(
            bcrypt_hash(&"x".repeat(73), [0; 16]),
            "failed to encrypt string with bcrypt: bcrypt: password length exceeds 72 bytes"
        );
    }
}
