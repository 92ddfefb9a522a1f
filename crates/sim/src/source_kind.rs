//! The closed set of source kinds: which AWS service (or your code) a [`Source`] is.
//!
//! Everything that differs by kind and is not a parameter of one source — the file format's word,
//! the name a box shows, the invocation methods the service can use — is one exhaustive `match`
//! here, and the diagram, the catalog and the narration match on [`SourceKind`] the same way (no
//! catch-all arms). Adding a source is therefore: add its variant to the list below, and the
//! compiler names every `match` that must say what the new kind does (ARCHITECTURE.md, "Adding a
//! source").

use serde::{Serialize, Serializer};

use crate::scenario::{Method, Source};

/// Declares the enum and [`SourceKind::ALL`] from one list, so the list cannot miss a variant.
macro_rules! source_kinds {
    ($($(#[$m:meta])* $v:ident,)*) => {
        /// Which service a source is. Serialized (trace JSON, topology) as its file-format word.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum SourceKind {
            $($(#[$m])* $v,)*
        }
        impl SourceKind {
            /// Every kind, in the catalog's order: synchronous front doors, your code,
            /// asynchronous services, then the polled queues and streams, and Step Functions.
            pub const ALL: &'static [SourceKind] = &[$(SourceKind::$v,)*];
        }
    };
}

source_kinds! {
    /// API Gateway (REST, HTTP, WebSocket): synchronous (APIGW-2017).
    ApiGateway,
    /// CloudFront's Lambda@Edge: synchronous, in the request path (CF-CHOOSE).
    Cloudfront,
    /// Your code calling Invoke through an SDK: RequestResponse or Event (L-INVOKE).
    Custom,
    /// S3 event notifications: asynchronous (S3-NOTIF).
    S3,
    /// EventBridge rule targets: asynchronous, with its own delivery retries (EB-RETRY).
    EventBridge,
    /// SNS subscriptions: asynchronous, with its own delivery retries (SNS-RETRY).
    Sns,
    /// An SQS queue behind an event source mapping: polling (L-ESM, L-SQS-CFG).
    Sqs,
    /// A DynamoDB stream behind an event source mapping: polling (L-ESM, L-DDB).
    DynamodbStreams,
    /// A Kinesis data stream behind an event source mapping: polling (L-ESM, L-KIN).
    Kinesis,
    /// A Step Functions state machine whose Task states invoke the function (SFN-LAMBDA).
    StepFunctions,
}

impl SourceKind {
    /// The scenario file's `kind = "..."` word (the reader's tag; a content test checks they agree).
    pub fn word(self) -> &'static str {
        match self {
            SourceKind::ApiGateway => "api_gateway",
            SourceKind::Cloudfront => "cloudfront",
            SourceKind::Custom => "custom",
            SourceKind::S3 => "s3",
            SourceKind::EventBridge => "event_bridge",
            SourceKind::Sns => "sns",
            SourceKind::Sqs => "sqs",
            SourceKind::DynamodbStreams => "dynamodb_streams",
            SourceKind::Kinesis => "kinesis",
            SourceKind::StepFunctions => "step_functions",
        }
    }

    /// The name its box shows.
    pub fn label(self) -> &'static str {
        match self {
            SourceKind::ApiGateway => "API Gateway",
            SourceKind::Cloudfront => "CloudFront",
            SourceKind::Custom => "Your code",
            SourceKind::S3 => "S3",
            SourceKind::EventBridge => "EventBridge",
            SourceKind::Sns => "SNS",
            SourceKind::Sqs => "SQS",
            SourceKind::DynamodbStreams => "DynamoDB Streams",
            SourceKind::Kinesis => "Kinesis",
            SourceKind::StepFunctions => "Step Functions",
        }
    }

    /// The invocation methods this service can use; the first is the usual one. Only your own
    /// code chooses (`invocation_type`, L-INVOKE); [`Source::method`] gives one source's.
    pub fn methods(self) -> &'static [Method] {
        const SYNC: &[Method] = &[Method::Synchronous];
        const ASYNC: &[Method] = &[Method::Asynchronous];
        const POLL: &[Method] = &[Method::Polling];
        match self {
            SourceKind::ApiGateway | SourceKind::Cloudfront => SYNC,
            SourceKind::Custom => &[Method::Synchronous, Method::Asynchronous],
            SourceKind::S3 | SourceKind::EventBridge | SourceKind::Sns => ASYNC,
            // Event source mappings poll, then invoke synchronously (L-ESM).
            SourceKind::Sqs | SourceKind::DynamodbStreams | SourceKind::Kinesis => POLL,
            // Step Functions waits for the function's answer (SFN-LAMBDA).
            SourceKind::StepFunctions => SYNC,
        }
    }

    /// The kind a file-format word names.
    pub fn from_word(word: &str) -> Option<SourceKind> {
        SourceKind::ALL.iter().copied().find(|k| k.word() == word)
    }
}

/// As the file format's word, so the topology's JSON reads `"kind": "sqs"` as before.
impl Serialize for SourceKind {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.word())
    }
}

impl Source {
    /// Which service this source is.
    pub fn kind(&self) -> SourceKind {
        match self {
            Source::ApiGateway { .. } => SourceKind::ApiGateway,
            Source::Cloudfront { .. } => SourceKind::Cloudfront,
            Source::Custom { .. } => SourceKind::Custom,
            Source::S3 { .. } => SourceKind::S3,
            Source::Sns { .. } => SourceKind::Sns,
            Source::EventBridge { .. } => SourceKind::EventBridge,
            Source::Sqs(_) => SourceKind::Sqs,
            Source::Kinesis(_) => SourceKind::Kinesis,
            Source::DynamodbStreams(_) => SourceKind::DynamodbStreams,
            Source::StepFunctions(_) => SourceKind::StepFunctions,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_distinct_and_read_back() {
        for k in SourceKind::ALL {
            assert_eq!(SourceKind::from_word(k.word()), Some(*k));
            assert!(!k.methods().is_empty(), "{k:?}");
        }
        assert_eq!(SourceKind::from_word("lambda"), None);
        assert_eq!(SourceKind::ALL.len(), 10);
    }
}
