//! Strict standard base64 (RFC 4648 §4), just what secrets and Standard Webhooks signatures need.
//!
//! Hand-written instead of the `base64` crate so the webhook-only Wasm stays small. Strict means:
//! only the standard alphabet, padding either complete or absent, and canonical trailing bits.
//! The last rule matters for signatures: without it two different strings (differing only in the
//! unused low bits of the last character) would decode to the same MAC, so a one-character change
//! of a signature could still verify.

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn value(c: u8) -> Option<u32> {
    let v = match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => return None,
    };
    Some(u32::from(v))
}

/// Appends the padded encoding of `bytes` to `out`.
pub(crate) fn encode_into(bytes: &[u8], out: &mut String) {
    out.reserve(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b0 = u32::from(chunk[0]);
        let b1 = chunk.get(1).map_or(0, |&b| u32::from(b));
        let b2 = chunk.get(2).map_or(0, |&b| u32::from(b));
        let n = (b0 << 16) | (b1 << 8) | b2;
        let sextet = |shift: u32| char::from(ALPHABET[((n >> shift) & 63) as usize]);
        out.push(sextet(18));
        out.push(sextet(12));
        out.push(if chunk.len() > 1 { sextet(6) } else { '=' });
        out.push(if chunk.len() > 2 { sextet(0) } else { '=' });
    }
}

/// Number of bytes `input` decodes to, or `None` if its length or padding is impossible.
/// Returns the unpadded input alongside so `decode_into` does not strip twice.
fn unpadded(input: &[u8]) -> Option<(&[u8], usize)> {
    let data = if input.len().is_multiple_of(4) {
        input
            .strip_suffix(b"==")
            .or_else(|| input.strip_suffix(b"="))
            .unwrap_or(input)
    } else {
        input
    };
    let tail = match data.len() % 4 {
        0 => 0,
        2 => 1,
        3 => 2,
        _ => return None,
    };
    Some((data, data.len() / 4 * 3 + tail))
}

/// Decodes `input` into the front of `out`, returning the decoded length. `None` if the input
/// is not strict base64 or does not fit.
pub(crate) fn decode_into(input: &[u8], out: &mut [u8]) -> Option<usize> {
    let (data, len) = unpadded(input)?;
    if len > out.len() {
        return None;
    }
    let mut chunks = data.chunks_exact(4);
    let mut o = 0;
    for chunk in chunks.by_ref() {
        let n = (value(chunk[0])? << 18)
            | (value(chunk[1])? << 12)
            | (value(chunk[2])? << 6)
            | value(chunk[3])?;
        out[o] = (n >> 16) as u8;
        out[o + 1] = (n >> 8) as u8;
        out[o + 2] = n as u8;
        o += 3;
    }
    match *chunks.remainder() {
        [] => {}
        [a, b] => {
            let n = (value(a)? << 6) | value(b)?;
            if n & 0xF != 0 {
                return None;
            }
            out[o] = (n >> 4) as u8;
        }
        [a, b, c] => {
            let n = (value(a)? << 12) | (value(b)? << 6) | value(c)?;
            if n & 0x3 != 0 {
                return None;
            }
            out[o] = (n >> 10) as u8;
            out[o + 1] = (n >> 2) as u8;
        }
        _ => return None,
    }
    Some(len)
}

/// Decodes into a fresh vector (secrets, which are not on the verification hot path).
pub(crate) fn decode(input: &[u8]) -> Option<Vec<u8>> {
    let (_, len) = unpadded(input)?;
    let mut out = vec![0; len];
    decode_into(input, &mut out)?;
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enc(bytes: &[u8]) -> String {
        let mut s = String::new();
        encode_into(bytes, &mut s);
        s
    }

    #[test]
    fn rfc4648_vectors_round_trip() {
        // RFC 4648 §10.
        let cases = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (plain, coded) in cases {
            assert_eq!(enc(plain.as_bytes()), coded);
            assert_eq!(decode(coded.as_bytes()).as_deref(), Some(plain.as_bytes()));
            let bare = coded.trim_end_matches('=');
            assert_eq!(decode(bare.as_bytes()).as_deref(), Some(plain.as_bytes()));
        }
    }

    #[test]
    fn rejects_non_strict_input() {
        for bad in [
            "Zg=", "Zg===", "Z", "Zm9v=", "Zh==", "Zm9=", "Zm-v", "Zm_v", "Zm9v\n", " Zm9v",
            "====", "Zg==Zg==", "=Zg=",
        ] {
            assert_eq!(decode(bad.as_bytes()), None, "{bad:?}");
        }
    }

    #[test]
    fn decode_into_refuses_short_buffer() {
        let mut out = [0u8; 2];
        assert_eq!(decode_into(b"Zm9v", &mut out), None);
        let mut out = [0u8; 3];
        assert_eq!(decode_into(b"Zm9v", &mut out), Some(3));
    }
}
