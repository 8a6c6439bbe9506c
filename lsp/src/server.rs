//! The server: one loop that reads a message, answers it and publishes
//! diagnostics, in order.
//!
//! The lifecycle is the protocol's: before `initialize` every request is
//! refused (ServerNotInitialized) and notifications are dropped; after
//! `shutdown` every request is refused (InvalidRequest); `exit` ends the
//! loop with status 0 after a `shutdown`, 1 without. A request for an
//! unknown method gets MethodNotFound, one with unreadable parameters,
//! a document that is not open or a position past the end gets
//! InvalidParams, and a frame that is not JSON-RPC gets a parse or
//! invalid-request error: nothing a client sends ends the session.

use crate::analysis::{Completion, CompletionKind, Doc, ROOT};
use crate::decls::{Decl, Kind};
use crate::files;
use crate::position::{Encoding, Lines};
use crate::transport::{self, Frame};
use lsp_server::{ErrorCode, Message, Notification, Request, Response};
use lsp_types as lsp;
use polity_compiler::diagnostic::Severity;
use polity_compiler::span::{FileId, Span};
use polity_compiler::Loader;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::io::{self, BufRead, Write};
use std::path::Path;

/// Makes the loader for a document's imports: given the document's path
/// (`None` for a document not on disk), the loader `polity check` would use.
pub type LoaderFor<'a> = &'a dyn Fn(Option<&Path>) -> Box<dyn Loader>;

/// Where the session is in the protocol's lifecycle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    /// Before `initialize`.
    Starting,
    /// Answering requests.
    Running,
    /// After `shutdown`: waiting for `exit`.
    ShuttingDown,
}

/// An error answer: a JSON-RPC code and a message.
type Failure = (i32, String);

fn invalid_params(message: impl Into<String>) -> Failure {
    (ErrorCode::InvalidParams as i32, message.into())
}

/// One open document.
struct Open {
    uri: lsp::Uri,
    doc: Doc,
    lines: Lines,
    /// The imported files that diagnostics were last published for.
    imports_published: Vec<lsp::Uri>,
}

/// The state of a session.
struct Server<'a> {
    phase: Phase,
    encoding: Encoding,
    docs: BTreeMap<String, Open>,
    loader_for: LoaderFor<'a>,
}

/// Serves one client on `input` and `output` until `exit` or the end of
/// the input; the process's exit status.
pub fn serve(
    mut input: impl BufRead,
    mut output: impl Write,
    loader_for: LoaderFor<'_>,
) -> io::Result<i32> {
    let mut server = Server {
        phase: Phase::Starting,
        encoding: Encoding::Utf16,
        docs: BTreeMap::new(),
        loader_for,
    };
    while let Some(frame) = transport::read(&mut input)? {
        let message = match frame {
            Frame::Malformed { code, message, id } => {
                transport::write_error(&mut output, id, code, &message)?;
                continue;
            }
            Frame::Message(m) => m,
        };
        match message {
            Message::Request(req) => {
                let id = req.id.clone();
                let response = match server.request(req) {
                    Ok(result) => Response::new_ok(id, result),
                    Err((code, message)) => Response::new_err(id, code, message),
                };
                transport::write(&mut output, Message::Response(response))?;
            }
            Message::Notification(n) => {
                if n.method == "exit" {
                    return Ok(if server.phase == Phase::ShuttingDown {
                        0
                    } else {
                        1
                    });
                }
                for out in server.notification(n) {
                    transport::write(&mut output, Message::Notification(out))?;
                }
            }
            // The server sends no requests, so it expects no responses.
            Message::Response(_) => {}
        }
    }
    // The client went away without `exit`.
    Ok(1)
}

fn params<P: serde::de::DeserializeOwned>(value: Value) -> Result<P, Failure> {
    serde_json::from_value(value).map_err(|e| invalid_params(format!("invalid parameters: {e}")))
}

fn to_value(result: impl serde::Serialize) -> Result<Value, Failure> {
    serde_json::to_value(result).map_err(|e| (ErrorCode::InternalError as i32, e.to_string()))
}

impl Server<'_> {
    fn request(&mut self, req: Request) -> Result<Value, Failure> {
        match (self.phase, req.method.as_str()) {
            (Phase::Starting, "initialize") => self.initialize(req.params),
            (Phase::Starting, _) => Err((
                ErrorCode::ServerNotInitialized as i32,
                "the server is not initialized yet".into(),
            )),
            (Phase::ShuttingDown, _) => Err((
                ErrorCode::InvalidRequest as i32,
                "the server is shutting down".into(),
            )),
            (Phase::Running, "initialize") => Err((
                ErrorCode::InvalidRequest as i32,
                "the server is already initialized".into(),
            )),
            (Phase::Running, "shutdown") => {
                self.phase = Phase::ShuttingDown;
                Ok(Value::Null)
            }
            (Phase::Running, "textDocument/hover") => self.hover(params(req.params)?),
            (Phase::Running, "textDocument/definition") => self.definition(params(req.params)?),
            (Phase::Running, "textDocument/completion") => self.completion(params(req.params)?),
            (Phase::Running, "textDocument/documentSymbol") => {
                self.document_symbols(params(req.params)?)
            }
            (Phase::Running, "textDocument/formatting") => self.formatting(params(req.params)?),
            (Phase::Running, "textDocument/rename") => self.rename(params(req.params)?),
            (Phase::Running, method) => Err((
                ErrorCode::MethodNotFound as i32,
                format!("unknown method `{method}`"),
            )),
        }
    }

    fn notification(&mut self, n: Notification) -> Vec<Notification> {
        if self.phase != Phase::Running {
            return Vec::new();
        }
        match n.method.as_str() {
            "textDocument/didOpen" => {
                let Ok(p) = params::<lsp::DidOpenTextDocumentParams>(n.params) else {
                    return Vec::new();
                };
                let key = p.text_document.uri.as_str().to_string();
                self.open(p.text_document.uri, p.text_document.text);
                self.publish(key)
            }
            "textDocument/didChange" => {
                let Ok(p) = params::<lsp::DidChangeTextDocumentParams>(n.params) else {
                    return Vec::new();
                };
                let key = p.text_document.uri.as_str().to_string();
                let Some(open) = self.docs.get(&key) else {
                    return Vec::new();
                };
                let mut text = open.doc.text.clone();
                for change in p.content_changes {
                    match change.range {
                        None => text = change.text,
                        Some(range) => {
                            let lines = Lines::new(&text, self.encoding);
                            let start = lines.offset(&text, range.start);
                            let end = lines.offset(&text, range.end);
                            if let (Some(s), Some(e)) = (start, end) {
                                if s <= e {
                                    text.replace_range(s..e, &change.text);
                                }
                            }
                        }
                    }
                }
                self.open(p.text_document.uri, text);
                self.publish(key)
            }
            "textDocument/didClose" => {
                let Ok(p) = params::<lsp::DidCloseTextDocumentParams>(n.params) else {
                    return Vec::new();
                };
                match self.docs.remove(p.text_document.uri.as_str()) {
                    Some(open) => std::iter::once(open.uri)
                        .chain(open.imports_published)
                        .map(|u| diagnostics_notification(u, Vec::new()))
                        .collect(),
                    None => Vec::new(),
                }
            }
            _ => Vec::new(),
        }
    }

    fn initialize(&mut self, value: Value) -> Result<Value, Failure> {
        let p: lsp::InitializeParams = params(value)?;
        let offered = p
            .capabilities
            .general
            .and_then(|g| g.position_encodings)
            .unwrap_or_default();
        self.encoding = if offered.contains(&lsp::PositionEncodingKind::UTF8) {
            Encoding::Utf8
        } else {
            Encoding::Utf16
        };
        self.phase = Phase::Running;
        let capabilities = lsp::ServerCapabilities {
            position_encoding: Some(match self.encoding {
                Encoding::Utf8 => lsp::PositionEncodingKind::UTF8,
                Encoding::Utf16 => lsp::PositionEncodingKind::UTF16,
            }),
            text_document_sync: Some(lsp::TextDocumentSyncCapability::Kind(
                lsp::TextDocumentSyncKind::FULL,
            )),
            hover_provider: Some(lsp::HoverProviderCapability::Simple(true)),
            definition_provider: Some(lsp::OneOf::Left(true)),
            completion_provider: Some(lsp::CompletionOptions {
                trigger_characters: Some(vec![".".into()]),
                ..lsp::CompletionOptions::default()
            }),
            document_symbol_provider: Some(lsp::OneOf::Left(true)),
            document_formatting_provider: Some(lsp::OneOf::Left(true)),
            rename_provider: Some(lsp::OneOf::Left(true)),
            ..lsp::ServerCapabilities::default()
        };
        to_value(lsp::InitializeResult {
            capabilities,
            server_info: Some(lsp::ServerInfo {
                name: "polity".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
        })
    }

    /// Compiles `text` as the document `uri`.
    fn open(&mut self, uri: lsp::Uri, text: String) {
        let path = files::uri_to_path(uri.as_str());
        let name = path
            .as_ref()
            .map_or_else(|| uri.as_str().to_string(), |p| p.display().to_string());
        let loader = (self.loader_for)(path.as_deref());
        let doc = Doc::new(&name, text, loader.as_ref());
        let lines = Lines::new(&doc.text, self.encoding);
        let key = uri.as_str().to_string();
        let imports_published = self
            .docs
            .remove(&key)
            .map(|o| o.imports_published)
            .unwrap_or_default();
        self.docs.insert(
            key,
            Open {
                uri,
                doc,
                lines,
                imports_published,
            },
        );
    }

    fn doc(&self, uri: &lsp::Uri) -> Result<&Open, Failure> {
        self.docs
            .get(uri.as_str())
            .ok_or_else(|| invalid_params(format!("the document `{}` is not open", uri.as_str())))
    }

    /// The open document at `uri` and the byte offset of `pos` in it.
    fn at(&self, uri: &lsp::Uri, pos: lsp::Position) -> Result<(&Open, usize), Failure> {
        let open = self.doc(uri)?;
        let offset = open.lines.offset(&open.doc.text, pos).ok_or_else(|| {
            invalid_params(format!(
                "line {} is past the end of the document ({} lines)",
                pos.line,
                open.doc.text.lines().count().max(1)
            ))
        })?;
        Ok((open, offset))
    }

    /// The diagnostics of the document `key`, as a notification.
    ///
    /// Diagnostics in files the document imports are published for those
    /// files (as `polity check` lists them), and cleared when they are gone.
    fn publish(&mut self, key: String) -> Vec<Notification> {
        let Some(open) = self.docs.get(&key) else {
            return Vec::new();
        };
        let mut by_file: BTreeMap<FileId, (lsp::Uri, Vec<lsp::Diagnostic>)> = BTreeMap::new();
        by_file.insert(ROOT, (open.uri.clone(), Vec::new()));
        for d in &open.doc.analysis.compilation.diagnostics {
            let Some(location) = self.location(open, d.span) else {
                continue;
            };
            by_file
                .entry(d.span.file)
                .or_insert_with(|| (location.uri.clone(), Vec::new()))
                .1
                .push(self.diagnostic(open, d, location.range));
        }
        let imports: Vec<lsp::Uri> = by_file
            .iter()
            .filter(|(file, _)| **file != ROOT)
            .map(|(_, (uri, _))| uri.clone())
            .collect();
        let gone: Vec<lsp::Uri> = open
            .imports_published
            .iter()
            .filter(|u| !imports.contains(u))
            .cloned()
            .collect();
        let mut out: Vec<Notification> = by_file
            .into_values()
            .map(|(uri, diags)| diagnostics_notification(uri, diags))
            .collect();
        out.extend(
            gone.into_iter()
                .map(|u| diagnostics_notification(u, Vec::new())),
        );
        if let Some(open) = self.docs.get_mut(&key) {
            open.imports_published = imports;
        }
        out
    }

    /// One diagnostic at `range` of its file.
    fn diagnostic(
        &self,
        open: &Open,
        d: &polity_compiler::diagnostic::Diagnostic,
        range: lsp::Range,
    ) -> lsp::Diagnostic {
        let mut related: Vec<lsp::DiagnosticRelatedInformation> = d
            .secondary
            .iter()
            .filter_map(|l| {
                Some(lsp::DiagnosticRelatedInformation {
                    location: self.location(open, l.span)?,
                    message: l.message.clone(),
                })
            })
            .collect();
        if let (Some(help), Some(location)) = (&d.help, self.location(open, d.span)) {
            related.push(lsp::DiagnosticRelatedInformation {
                location,
                message: format!("help: {help}"),
            });
        }
        lsp::Diagnostic {
            range,
            severity: Some(match d.severity {
                Severity::Error => lsp::DiagnosticSeverity::ERROR,
                Severity::Warning => lsp::DiagnosticSeverity::WARNING,
            }),
            code: Some(lsp::NumberOrString::String(d.code.to_string())),
            source: Some("polity".into()),
            message: d.message.clone(),
            related_information: (!related.is_empty()).then_some(related),
            ..lsp::Diagnostic::default()
        }
    }

    /// Where `span` is, as a protocol location: in the document itself, an
    /// imported file, or a standard module's copy on disk.
    fn location(&self, open: &Open, span: Span) -> Option<lsp::Location> {
        let sources = &open.doc.analysis.compilation.sources;
        let file = sources.get(span.file)?;
        let (uri, lines) = if span.file == ROOT {
            (open.uri.clone(), open.lines.clone())
        } else {
            let path = match polity_compiler::stdlib::source(&file.name) {
                Some(_) => files::stdlib_path(&file.name)?,
                None => Path::new(&file.name).to_path_buf(),
            };
            if !path.is_absolute() {
                return None;
            }
            let uri = files::path_to_uri(&path).parse::<lsp::Uri>().ok()?;
            (uri, Lines::new(&file.text, self.encoding))
        };
        let range = lines.range(&file.text, span.start as usize, span.end as usize);
        Some(lsp::Location { uri, range })
    }

    fn range(&self, open: &Open, span: Span) -> lsp::Range {
        open.lines
            .range(&open.doc.text, span.start as usize, span.end as usize)
    }

    fn hover(&self, p: lsp::HoverParams) -> Result<Value, Failure> {
        let pos = p.text_document_position_params;
        let (open, offset) = self.at(&pos.text_document.uri, pos.position)?;
        let hover = open.doc.hover(offset).map(|(span, text)| lsp::Hover {
            contents: lsp::HoverContents::Markup(lsp::MarkupContent {
                kind: lsp::MarkupKind::Markdown,
                value: text,
            }),
            range: Some(self.range(open, span)),
        });
        to_value(hover)
    }

    fn definition(&self, p: lsp::GotoDefinitionParams) -> Result<Value, Failure> {
        let pos = p.text_document_position_params;
        let (open, offset) = self.at(&pos.text_document.uri, pos.position)?;
        let found = match open.doc.target_at(offset) {
            Some((_, t)) => open.doc.definition_of(&t),
            None => open
                .doc
                .import_at(offset)
                .map(|(_, file)| Span::new(file, 0, 0)),
        };
        let found = found
            .and_then(|span| self.location(open, span))
            .map(lsp::GotoDefinitionResponse::Scalar);
        to_value(found)
    }

    fn completion(&self, p: lsp::CompletionParams) -> Result<Value, Failure> {
        let pos = p.text_document_position;
        let (open, offset) = self.at(&pos.text_document.uri, pos.position)?;
        let path = files::uri_to_path(open.uri.as_str());
        let loader = (self.loader_for)(path.as_deref());
        let items: Vec<lsp::CompletionItem> = open
            .doc
            .completions(offset, loader.as_ref())
            .into_iter()
            .map(completion_item)
            .collect();
        to_value(lsp::CompletionResponse::Array(items))
    }

    fn document_symbols(&self, p: lsp::DocumentSymbolParams) -> Result<Value, Failure> {
        let open = self.doc(&p.text_document.uri)?;
        let symbols: Vec<lsp::DocumentSymbol> = open
            .doc
            .symbols()
            .iter()
            .filter(|d| d.kind != Kind::Import)
            .map(|d| self.symbol(open, d))
            .collect();
        to_value(lsp::DocumentSymbolResponse::Nested(symbols))
    }

    #[allow(deprecated)] // `deprecated` is a field the type still requires
    fn symbol(&self, open: &Open, d: &Decl) -> lsp::DocumentSymbol {
        let kind = match d.kind {
            Kind::Charter => lsp::SymbolKind::NAMESPACE,
            Kind::Import => lsp::SymbolKind::MODULE,
            Kind::Enum => lsp::SymbolKind::ENUM,
            Kind::Case => lsp::SymbolKind::ENUM_MEMBER,
            Kind::Record => lsp::SymbolKind::STRUCT,
            Kind::Field => lsp::SymbolKind::FIELD,
            Kind::State => lsp::SymbolKind::OBJECT,
            Kind::StateName => lsp::SymbolKind::VARIABLE,
            Kind::Const => lsp::SymbolKind::CONSTANT,
            Kind::Fn => lsp::SymbolKind::FUNCTION,
            Kind::Law => lsp::SymbolKind::METHOD,
            Kind::Requirement => lsp::SymbolKind::BOOLEAN,
            Kind::Test => lsp::SymbolKind::EVENT,
        };
        let children: Vec<lsp::DocumentSymbol> =
            d.children.iter().map(|c| self.symbol(open, c)).collect();
        let detail = match d.kind {
            Kind::Record | Kind::Enum => None,
            _ => Some(d.signature.clone()),
        };
        lsp::DocumentSymbol {
            name: d.name.clone(),
            detail,
            kind,
            tags: None,
            deprecated: None,
            range: self.range(open, d.span),
            selection_range: self.range(open, d.name_span),
            children: (!children.is_empty()).then_some(children),
        }
    }

    fn formatting(&self, p: lsp::DocumentFormattingParams) -> Result<Value, Failure> {
        let open = self.doc(&p.text_document.uri)?;
        let text = &open.doc.text;
        match polity_compiler::fmt::format(ROOT, text) {
            Ok(formatted) if formatted == *text => to_value(Vec::<lsp::TextEdit>::new()),
            Ok(formatted) => to_value(vec![lsp::TextEdit {
                range: self.range(open, Span::new(FileId(0), 0, text.len())),
                new_text: formatted,
            }]),
            Err(diags) => {
                let first = diags.iter().find(|d| d.is_error()).or(diags.first());
                let why = first.map_or_else(String::new, |d| {
                    let at = open.lines.position(text, d.span.start as usize);
                    format!(
                        ": {} {} at {}:{}",
                        d.code,
                        d.message,
                        at.line + 1,
                        at.character + 1
                    )
                });
                Err((
                    ErrorCode::RequestFailed as i32,
                    format!("the charter does not parse, so it is not formatted{why}"),
                ))
            }
        }
    }

    fn rename(&self, p: lsp::RenameParams) -> Result<Value, Failure> {
        let pos = p.text_document_position;
        let (open, offset) = self.at(&pos.text_document.uri, pos.position)?;
        let new = p.new_name;
        if !is_identifier(&new) {
            return Err(invalid_params(format!("`{new}` is not a name")));
        }
        let spans = open
            .doc
            .local_uses(offset)
            .map_err(|why| (ErrorCode::RequestFailed as i32, why))?;
        let mut edits: Vec<lsp::TextEdit> = spans
            .into_iter()
            .map(|s| lsp::TextEdit {
                range: self.range(open, s),
                new_text: new.clone(),
            })
            .collect();
        edits.sort_by_key(|e| (e.range.start.line, e.range.start.character));
        edits.dedup();
        // lsp-types keys `changes` by `Uri`, whose parsed form caches
        // offsets in cells; the one key is never changed.
        #[allow(clippy::mutable_key_type)]
        let changes = HashMap::from([(open.uri.clone(), edits)]);
        to_value(lsp::WorkspaceEdit {
            changes: Some(changes),
            ..lsp::WorkspaceEdit::default()
        })
    }
}

/// Whether `name` can be written as a name: a letter or `_`, then letters,
/// digits and `_`, and not a keyword.
fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !crate::analysis::KEYWORDS.contains(&name)
        && name != "it"
}

fn completion_item(c: Completion) -> lsp::CompletionItem {
    let kind = match c.kind {
        CompletionKind::Local => lsp::CompletionItemKind::VARIABLE,
        CompletionKind::Field => lsp::CompletionItemKind::FIELD,
        CompletionKind::Case => lsp::CompletionItemKind::ENUM_MEMBER,
        CompletionKind::State => lsp::CompletionItemKind::VARIABLE,
        CompletionKind::Const => lsp::CompletionItemKind::CONSTANT,
        CompletionKind::Function => lsp::CompletionItemKind::FUNCTION,
        CompletionKind::Law => lsp::CompletionItemKind::METHOD,
        CompletionKind::Record => lsp::CompletionItemKind::STRUCT,
        CompletionKind::Enum => lsp::CompletionItemKind::ENUM,
        CompletionKind::Keyword => lsp::CompletionItemKind::KEYWORD,
    };
    lsp::CompletionItem {
        label: c.label,
        kind: Some(kind),
        detail: c.detail,
        documentation: c.doc.map(|d| {
            lsp::Documentation::MarkupContent(lsp::MarkupContent {
                kind: lsp::MarkupKind::Markdown,
                value: d,
            })
        }),
        ..lsp::CompletionItem::default()
    }
}

fn diagnostics_notification(uri: lsp::Uri, diagnostics: Vec<lsp::Diagnostic>) -> Notification {
    Notification::new(
        "textDocument/publishDiagnostics".into(),
        lsp::PublishDiagnosticsParams {
            uri,
            diagnostics,
            version: None,
        },
    )
}
