//! Content-Length framing over a byte stream, tolerant of what an editor (or
//! anything else) may send.
//!
//! Each message is `Content-Length: N\r\n` (other headers allowed and
//! ignored), an empty line, then N bytes of JSON. A frame whose headers make
//! no sense or whose body is not a JSON-RPC message is reported as a
//! [`Frame::Malformed`] and reading goes on with the next frame: one bad
//! message never ends the session.

use lsp_server::Message;
use std::io::{self, BufRead, Read, Write};

/// The largest message body read (64 MiB): a charter is at most 4 MiB, and
/// a length beyond this is skipped, never allocated.
pub const MAX_BODY_BYTES: usize = 64 << 20;

/// The longest header line read.
const MAX_HEADER_BYTES: u64 = 4096;

/// One frame read from the client.
#[derive(Debug)]
pub enum Frame {
    /// A well-formed message.
    Message(Message),
    /// Something that is not one: what the JSON-RPC error code is
    /// (-32700 parse error, -32600 invalid request), why, and the request id
    /// when one could be read.
    Malformed {
        /// The JSON-RPC error code.
        code: i32,
        /// What was wrong.
        message: String,
        /// The `id` of the request, if the body had one.
        id: Option<serde_json::Value>,
    },
}

/// Reads the next frame; `None` at the end of the input.
pub fn read(input: &mut impl BufRead) -> io::Result<Option<Frame>> {
    let mut length: Option<Result<usize, String>> = None;
    let mut saw_header = false;
    loop {
        let mut line = Vec::new();
        let n = input
            .by_ref()
            .take(MAX_HEADER_BYTES)
            .read_until(b'\n', &mut line)?;
        if n == 0 {
            return Ok(None);
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            if saw_header {
                break;
            }
            // Blank lines between frames are skipped.
            continue;
        }
        saw_header = true;
        if let Some((name, value)) = text.split_once(':') {
            if name.trim().eq_ignore_ascii_case("content-length") {
                length = Some(
                    value
                        .trim()
                        .parse::<usize>()
                        .map_err(|_| format!("invalid Content-Length `{}`", value.trim())),
                );
            }
        }
    }
    let length = match length {
        None => return Ok(Some(malformed(-32700, "a message without Content-Length"))),
        Some(Err(why)) => return Ok(Some(malformed(-32700, &why))),
        Some(Ok(n)) => n,
    };
    if length > MAX_BODY_BYTES {
        io::copy(&mut input.by_ref().take(length as u64), &mut io::sink())?;
        let why = format!("a message of {length} bytes (the limit is {MAX_BODY_BYTES})");
        return Ok(Some(malformed(-32600, &why)));
    }
    let mut body = vec![0; length];
    input.read_exact(&mut body)?;
    Ok(Some(parse(&body)))
}

fn malformed(code: i32, why: &str) -> Frame {
    Frame::Malformed {
        code,
        message: why.to_string(),
        id: None,
    }
}

/// A body as a message, or what is wrong with it.
fn parse(body: &[u8]) -> Frame {
    let value: serde_json::Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => return malformed(-32700, &format!("the message is not JSON: {e}")),
    };
    let id = value.get("id").cloned();
    match serde_json::from_value::<Message>(value) {
        Ok(message) => Frame::Message(message),
        Err(e) => Frame::Malformed {
            code: -32600,
            message: format!("not a JSON-RPC request, response or notification: {e}"),
            id,
        },
    }
}

/// Writes `message` as one frame.
pub fn write(output: &mut impl Write, message: Message) -> io::Result<()> {
    message.write(output)
}

/// Writes an error response whose id may be `null` (which lsp-server's
/// [`lsp_server::RequestId`] cannot hold): the answer to a malformed frame.
pub fn write_error(
    output: &mut impl Write,
    id: Option<serde_json::Value>,
    code: i32,
    message: &str,
) -> io::Result<()> {
    let body = serde_json::json!({
        "jsonrpc": "2.0",
        "id": id.unwrap_or(serde_json::Value::Null),
        "error": { "code": code, "message": message },
    })
    .to_string();
    write!(output, "Content-Length: {}\r\n\r\n{body}", body.len())?;
    output.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(input: &str) -> Vec<String> {
        let mut input = input.as_bytes();
        let mut out = Vec::new();
        while let Ok(Some(frame)) = read(&mut input) {
            out.push(match frame {
                Frame::Message(Message::Request(r)) => format!("request {}", r.method),
                Frame::Message(Message::Notification(n)) => format!("notification {}", n.method),
                Frame::Message(Message::Response(r)) => format!("response {}", r.id),
                Frame::Malformed { code, message, id } => format!("{code} {message} {id:?}"),
            });
        }
        out
    }

    #[test]
    fn reads_good_and_bad_frames_in_turn() {
        let good = r#"{"jsonrpc":"2.0","id":1,"method":"shutdown"}"#;
        let input = format!(
            "Content-Length: {}\r\n\r\n{good}\
             Content-Length: 5\r\n\r\n{{oops\
             X-Other: 1\r\n\r\n\
             Content-Length: abc\r\n\r\n\
             Content-Length: 14\r\n\r\n{{\"id\":7,\"x\":1}}\
             Content-Length: {}\r\n\r\n{good}",
            good.len(),
            good.len()
        );
        let got = frames(&input);
        assert_eq!(got.len(), 6, "{got:?}");
        assert_eq!(got[0], "request shutdown");
        assert!(
            got[1].starts_with("-32700 the message is not JSON"),
            "{got:?}"
        );
        assert!(got[2].starts_with("-32700 a message without Content-Length"));
        assert!(got[3].starts_with("-32700 invalid Content-Length `abc`"));
        assert!(got[4].starts_with("-32600 not a JSON-RPC"), "{got:?}");
        assert!(got[4].ends_with("Some(Number(7))"), "{got:?}");
        assert_eq!(got[5], "request shutdown");
    }

    #[test]
    fn a_huge_length_is_skipped_not_allocated() {
        let input = format!("Content-Length: {}\r\n\r\n", MAX_BODY_BYTES + 1);
        let got = frames(&input);
        assert_eq!(got.len(), 1);
        assert!(got[0].starts_with("-32600 a message of"), "{got:?}");
    }
}
