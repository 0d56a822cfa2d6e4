//! A small strict JSON parser (RFC 8259) for the tests, which may not use
//! crates. Integers keep their exact decimal text, strings their UTF-8 bytes.
//! A lone surrogate escape becomes its 3-byte generalized UTF-8 form, so two
//! texts with the same escapes compare equal.

#[derive(Clone, Debug)]
pub enum Json {
    Null,
    Bool(bool),
    Integer(String),
    Float(f64),
    String(Vec<u8>),
    Array(Vec<Json>),
    /// Members in text order; a repeated key keeps its last value, as
    /// Python's json module does.
    Object(Vec<(Vec<u8>, Json)>),
}

impl Json {
    pub fn get(&self, name: &str) -> Option<&Json> {
        match self {
            Json::Object(members) => members
                .iter()
                .find(|(key, _)| key == name.as_bytes())
                .map(|(_, value)| value),
            _ => None,
        }
    }

    pub fn str(&self) -> &str {
        match self {
            Json::String(bytes) => std::str::from_utf8(bytes).expect("string is not UTF-8"),
            other => panic!("expected a JSON string, got {other:?}"),
        }
    }

    pub fn bytes(&self) -> &[u8] {
        match self {
            Json::String(bytes) => bytes,
            other => panic!("expected a JSON string, got {other:?}"),
        }
    }

    pub fn items(&self) -> &[Json] {
        match self {
            Json::Array(items) => items,
            other => panic!("expected a JSON array, got {other:?}"),
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Json::Null)
    }

    fn number(&self) -> Option<f64> {
        match self {
            Json::Integer(text) => Some(text.parse().expect("integer text parses as f64")),
            Json::Float(value) => Some(*value),
            _ => None,
        }
    }
}

/// Compares JSON values as the decoding vectors' checker does: integers
/// exactly, an integer and a float as doubles, booleans only with booleans,
/// objects by key regardless of order.
pub fn same(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::Integer(x), Json::Integer(y)) => x == y,
        (Json::Integer(_) | Json::Float(_), Json::Integer(_) | Json::Float(_)) => a.number() == b.number(),
        (Json::Null, Json::Null) => true,
        (Json::Bool(x), Json::Bool(y)) => x == y,
        (Json::String(x), Json::String(y)) => x == y,
        (Json::Array(x), Json::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q)),
        (Json::Object(x), Json::Object(y)) => {
            x.len() == y.len()
                && x.iter().all(|(key, value)| {
                    y.iter()
                        .find(|(other, _)| other == key)
                        .map_or(false, |(_, other)| same(value, other))
                })
        }
        _ => false,
    }
}

pub fn parse(text: &[u8]) -> Result<Json, String> {
    let mut parser = Parser { text, position: 0 };
    let value = parser.value()?;
    parser.whitespace();
    if parser.position != text.len() {
        return Err(parser.error("trailing characters"));
    }
    Ok(value)
}

struct Parser<'a> {
    text: &'a [u8],
    position: usize,
}

impl Parser<'_> {
    fn error(&self, reason: &str) -> String {
        format!("invalid JSON at byte {}: {reason}", self.position)
    }

    fn whitespace(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.position += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.text.get(self.position).copied()
    }

    fn consume(&mut self, literal: &[u8]) -> bool {
        if self.text[self.position..].starts_with(literal) {
            self.position += literal.len();
            true
        } else {
            false
        }
    }

    fn value(&mut self) -> Result<Json, String> {
        self.whitespace();
        match self.peek() {
            None => Err(self.error("unexpected end")),
            Some(b'n') if self.consume(b"null") => Ok(Json::Null),
            Some(b't') if self.consume(b"true") => Ok(Json::Bool(true)),
            Some(b'f') if self.consume(b"false") => Ok(Json::Bool(false)),
            Some(b'"') => Ok(Json::String(self.string()?)),
            Some(b'[') => self.array(),
            Some(b'{') => self.object(),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(other) => Err(self.error(&format!("unexpected character {:?}", other as char))),
        }
    }

    fn array(&mut self) -> Result<Json, String> {
        self.position += 1;
        let mut items = Vec::new();
        self.whitespace();
        if self.consume(b"]") {
            return Ok(Json::Array(items));
        }
        loop {
            items.push(self.value()?);
            self.whitespace();
            if self.consume(b"]") {
                return Ok(Json::Array(items));
            }
            if !self.consume(b",") {
                return Err(self.error("expected ',' or ']'"));
            }
        }
    }

    fn object(&mut self) -> Result<Json, String> {
        self.position += 1;
        let mut members: Vec<(Vec<u8>, Json)> = Vec::new();
        self.whitespace();
        if self.consume(b"}") {
            return Ok(Json::Object(members));
        }
        loop {
            self.whitespace();
            if self.peek() != Some(b'"') {
                return Err(self.error("expected a string key"));
            }
            let key = self.string()?;
            self.whitespace();
            if !self.consume(b":") {
                return Err(self.error("expected ':'"));
            }
            let value = self.value()?;
            match members.iter_mut().find(|(existing, _)| *existing == key) {
                Some(member) => member.1 = value,
                None => members.push((key, value)),
            }
            self.whitespace();
            if self.consume(b"}") {
                return Ok(Json::Object(members));
            }
            if !self.consume(b",") {
                return Err(self.error("expected ',' or '}'"));
            }
        }
    }

    fn digits(&mut self) -> bool {
        let start = self.position;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.position += 1;
        }
        self.position > start
    }

    fn number(&mut self) -> Result<Json, String> {
        let start = self.position;
        let mut integer = true;
        self.consume(b"-");
        if !self.consume(b"0") && !self.digits() {
            return Err(self.error("expected a digit"));
        }
        if self.consume(b".") {
            integer = false;
            if !self.digits() {
                return Err(self.error("expected a digit after '.'"));
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            integer = false;
            self.position += 1;
            if !self.consume(b"+") {
                self.consume(b"-");
            }
            if !self.digits() {
                return Err(self.error("expected an exponent"));
            }
        }
        let literal = std::str::from_utf8(&self.text[start..self.position]).expect("digits are ASCII");
        if integer {
            Ok(Json::Integer(if literal == "-0" {
                "0".to_owned()
            } else {
                literal.to_owned()
            }))
        } else {
            Ok(Json::Float(literal.parse().map_err(|_| self.error("invalid number"))?))
        }
    }

    fn hex4(&mut self) -> Result<u32, String> {
        let digits = self
            .text
            .get(self.position..self.position + 4)
            .ok_or_else(|| self.error("short \\u escape"))?;
        let text = std::str::from_utf8(digits).map_err(|_| self.error("invalid \\u escape"))?;
        let code = u32::from_str_radix(text, 16).map_err(|_| self.error("invalid \\u escape"))?;
        if text.starts_with('+') {
            return Err(self.error("invalid \\u escape"));
        }
        self.position += 4;
        Ok(code)
    }

    fn string(&mut self) -> Result<Vec<u8>, String> {
        self.position += 1;
        let mut out = Vec::new();
        loop {
            let byte = self.peek().ok_or_else(|| self.error("unterminated string"))?;
            self.position += 1;
            match byte {
                b'"' => return Ok(out),
                0..=0x1F => return Err(self.error("control character in string")),
                b'\\' => {
                    let escape = self.peek().ok_or_else(|| self.error("unterminated escape"))?;
                    self.position += 1;
                    match escape {
                        b'"' => out.push(b'"'),
                        b'\\' => out.push(b'\\'),
                        b'/' => out.push(b'/'),
                        b'b' => out.push(8),
                        b'f' => out.push(12),
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'u' => {
                            let mut code = self.hex4()?;
                            if (0xD800..0xDC00).contains(&code) && self.text[self.position..].starts_with(b"\\u") {
                                let saved = self.position;
                                self.position += 2;
                                let low = self.hex4()?;
                                if (0xDC00..0xE000).contains(&low) {
                                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
                                } else {
                                    self.position = saved;
                                }
                            }
                            push_utf8(&mut out, code);
                        }
                        other => return Err(self.error(&format!("invalid escape \\{}", other as char))),
                    }
                }
                other => out.push(other),
            }
        }
    }
}

/// Appends `code` as UTF-8, surrogates included (generalized UTF-8).
fn push_utf8(out: &mut Vec<u8>, code: u32) {
    if code < 0x80 {
        out.push(code as u8);
    } else if code < 0x800 {
        out.extend_from_slice(&[0xC0 | (code >> 6) as u8, 0x80 | (code & 0x3F) as u8]);
    } else if code < 0x10000 {
        out.extend_from_slice(&[
            0xE0 | (code >> 12) as u8,
            0x80 | ((code >> 6) & 0x3F) as u8,
            0x80 | (code & 0x3F) as u8,
        ]);
    } else {
        out.extend_from_slice(&[
            0xF0 | (code >> 18) as u8,
            0x80 | ((code >> 12) & 0x3F) as u8,
            0x80 | ((code >> 6) & 0x3F) as u8,
            0x80 | (code & 0x3F) as u8,
        ]);
    }
}
