//! Bytes as a JavaScript string literal, 13 bits to two characters.
//!
//! Index files are scripts (so they load from file://), so their binary
//! payload travels as text. Base64 spends 4 characters on 3 bytes (×1.33);
//! this packing spends 2 characters on 13 bits (×1.23) with an alphabet of
//! the 91 printable ASCII characters that need no escape inside a
//! double-quoted JS string and cannot close a script element: all of
//! 0x20..=0x7E but `"`, `'`, `<` and `\`.
//!
//! Bits are taken least significant first. Each full group of 13 bits `v`
//! is written as `v % 91`, `v / 91`; a last group of 1..=6 bits is one
//! character, of 7..=12 bits two. A reader counts 13 bits per pair and 7
//! for a lone last character, and keeps whole bytes only: the padding is
//! always under 8 bits, so the length needs no marker. The client's reader
//! is `unpack91` in themes/default/static/assets/search.js.

/// The alphabet, in code point order.
const ALPHABET: [u8; 91] = alphabet();

const fn alphabet() -> [u8; 91] {
    let mut out = [0u8; 91];
    let mut c = 0x20u8;
    let mut i = 0;
    while c <= 0x7E {
        if !matches!(c, b'"' | b'\'' | b'<' | b'\\') {
            out[i] = c;
            i += 1;
        }
        c += 1;
    }
    out
}

/// `bytes` packed as text.
pub fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 16 / 13 + 2);
    let mut push = |v: u32| out.push(char::from(ALPHABET[v as usize]));
    let (mut acc, mut bits) = (0u32, 0u32);
    for &b in bytes {
        acc |= u32::from(b) << bits;
        bits += 8;
        if bits >= 13 {
            let v = acc & 0x1FFF;
            acc >>= 13;
            bits -= 13;
            push(v % 91);
            push(v / 91);
        }
    }
    if bits > 0 {
        push(acc % 91);
        if bits > 6 {
            push(acc / 91);
        }
    }
    out
}

/// The bytes of packed text; `None` for a character outside the alphabet
/// or a pair above 13 bits.
pub fn decode(text: &str) -> Option<Vec<u8>> {
    let digit = |c: u8| ALPHABET.binary_search(&c).ok().map(|i| i as u32);
    let raw = text.as_bytes();
    let mut out = Vec::with_capacity(raw.len() * 13 / 16 + 1);
    let (mut acc, mut bits) = (0u32, 0u32);
    for pair in raw.chunks(2) {
        let lo = digit(pair[0])?;
        match pair.get(1) {
            Some(&c) => {
                let v = lo + 91 * digit(c)?;
                if v > 0x1FFF {
                    return None;
                }
                acc |= v << bits;
                bits += 13;
            }
            None => {
                acc |= lo << bits;
                bits += 7;
            }
        }
        while bits >= 8 {
            out.push(acc as u8);
            acc >>= 8;
            bits -= 8;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alphabet_is_91_safe_characters() {
        assert_eq!(ALPHABET.len(), 91);
        assert!(ALPHABET.windows(2).all(|w| w[0] < w[1]));
        for bad in [b'"', b'\'', b'<', b'\\', b'\n', 0x7F] {
            assert!(!ALPHABET.contains(&bad), "{}", bad as char);
        }
    }

    #[test]
    fn known_packings() {
        // Worked by hand: 0x01 is one group of 8 bits, value 1 -> "!" "!"
        // (index 1 of the alphabet is '!', index 0 is ' ').
        assert_eq!(encode(b""), "");
        assert_eq!(encode(&[0x01]), "! ");
        // 0x00 0x00: 13 zero bits, then 3 -> "  " + " ".
        assert_eq!(encode(&[0, 0]), "   ");
        // 0xFF 0xFF: first 13 bits 8191 = 90 * 91 + 1 -> alphabet[1], [90];
        // then 3 bits of 7 -> alphabet[7].
        assert_eq!(encode(&[0xFF, 0xFF]), "!~)");
    }

    #[test]
    fn round_trips_every_length_and_pattern() {
        let mut seed = 0x9E37_79B9u32;
        for len in 0..200 {
            let bytes: Vec<u8> = (0..len)
                .map(|_| {
                    seed ^= seed << 13;
                    seed ^= seed >> 17;
                    seed ^= seed << 5;
                    seed as u8
                })
                .collect();
            let text = encode(&bytes);
            assert!(text.len() <= len * 16 / 13 + 2, "{len}: {}", text.len());
            assert_eq!(decode(&text).as_deref(), Some(&bytes[..]), "{len}");
        }
        for fill in [0x00u8, 0xFF] {
            for len in 0..40 {
                let bytes = vec![fill; len];
                assert_eq!(decode(&encode(&bytes)), Some(bytes));
            }
        }
    }

    #[test]
    fn rejects_foreign_characters_and_oversized_pairs() {
        assert_eq!(decode("\"!"), None);
        assert_eq!(decode("~~"), None);
    }
}
