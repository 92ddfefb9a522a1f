//! The sources that invoke the function directly (§1, §2, §6, §7): API Gateway, CloudFront
//! (Lambda@Edge), your code, S3, SNS, EventBridge; and [`Source`], the `[[sources]]` table, one
//! variant per kind. Each kind's fields are declared once (see [`super::schema`]).

use super::schema::declare;
use super::{
    DynamodbStreamsSource, KinesisSource, Method, SqsSource, StepFunctionsSource, MAX_HORIZON_S,
};

declare! {
    /// The kind of API.
    pub enum ApiType words {
        Rest = "rest",
        Http = "http",
        Websocket = "websocket",
    }
}

declare! {
    /// Where in CloudFront's request flow the function runs.
    pub enum EdgeTrigger words {
        ViewerRequest = "viewer_request",
        OriginRequest = "origin_request",
        OriginResponse = "origin_response",
        ViewerResponse = "viewer_response",
    }
}
impl EdgeTrigger {
    pub fn is_viewer(self) -> bool {
        matches!(
            self,
            EdgeTrigger::ViewerRequest | EdgeTrigger::ViewerResponse
        )
    }
    pub fn label(self) -> &'static str {
        match self {
            EdgeTrigger::ViewerRequest => "viewer request",
            EdgeTrigger::OriginRequest => "origin request",
            EdgeTrigger::OriginResponse => "origin response",
            EdgeTrigger::ViewerResponse => "viewer response",
        }
    }
}

declare! {
    /// How your code calls Invoke.
    pub enum InvocationType words {
        RequestResponse = "request_response",
        Event = "event",
    }
}

declare! {
    /// API Gateway calling the function synchronously (§1).
    pub struct ApiGatewaySource {
        /// The source's id, unique in the scenario (letters, digits, `-`, `_`).
        pub id: String,
        /// REST, HTTP or WebSocket API.
        pub api_type: ApiType = ApiType::Rest,
        /// Integration timeout. REST default 29 s, 50 ms–29 s (APIGW-2017 [D-old]); more only
        /// for Regional/private REST after a quota increase, reported ceiling 300 s
        /// (APIGW-2024 [D], APIGW-RP300 [S]); HTTP API at most 30 s, not increasable
        /// (APIGW-HTTPQ [D]); WebSocket 29 s (APIGW-WSQ [D]). Unset = the API type's default.
        #[field(range(50, 300_000), row("APIGW-2017, APIGW-2024, APIGW-HTTPQ, APIGW-WSQ"))]
        pub integration_timeout_ms: Option<u64> = None,
        /// Set when the account has the REST integration-timeout quota raised (APIGW-2024 [D]).
        #[field(row("APIGW-2024"))]
        pub timeout_quota_raised: bool = false,
    }
}
impl ApiGatewaySource {
    /// The integration timeout: the configured one, else 29 s for REST and WebSocket
    /// (APIGW-2017, APIGW-WSQ) or 30 s for HTTP APIs (APIGW-HTTPQ).
    pub fn integration_timeout_ms(&self) -> u64 {
        self.integration_timeout_ms.unwrap_or(match self.api_type {
            ApiType::Http => 30_000,
            _ => 29_000,
        })
    }
}

declare! {
    /// CloudFront running the function at the edge (Lambda@Edge, §7).
    pub struct CloudfrontSource {
        /// The source's id, unique in the scenario.
        pub id: String,
        /// Which of the four triggers.
        pub trigger: EdgeTrigger = EdgeTrigger::OriginRequest,
        /// Viewer triggers up to 5 s (CF-CHOOSE [D]; newest quota page says 30 s, §9.2 — so a
        /// parameter).
        #[field(range(1, 30), row("CF-CHOOSE, CF-QUOTA"))]
        pub viewer_timeout_s: u32 = 5,
        /// Origin triggers up to 30 s (CF-CHOOSE [D]).
        #[field(range(1, 30), row("CF-CHOOSE"))]
        pub origin_timeout_s: u32 = 30,
        /// Generated-response size limit: viewer 40 KB (CF-QUOTA [D]).
        #[field(range(1, 64 * 1024 * 1024), row("CF-QUOTA"))]
        pub viewer_response_limit_bytes: u64 = 40 * 1024,
        /// Generated-response size limit: origin 1 MB (CF-QUOTA [D]).
        #[field(range(1, 64 * 1024 * 1024), row("CF-QUOTA"))]
        pub origin_response_limit_bytes: u64 = 1024 * 1024,
        /// What the viewer sees when the function throws: 503, "Lambda execution error"
        /// (CF-ERR [D], §7). CloudFront does not retry.
        #[field(range(400, 599), row("CF-ERR"))]
        pub error_status: u16 = 503,
        /// What the viewer sees when Lambda throttles the edge function or it runs past its
        /// timeout: 503, "Lambda limit exceeded" (CF-ERR [D], §7).
        #[field(range(400, 599), row("CF-ERR"))]
        pub throttle_status: u16 = 503,
        /// What the viewer sees when the function's generated response is over the size limit:
        /// 502, "Lambda validation error" (CF-ERR [D], CF-RESTR [D]); AMPLIFY reports 503 for
        /// this case [S], so the sheet keeps it a parameter with 502 as the default (§7).
        #[field(range(400, 599), row("CF-ERR, CF-RESTR"))]
        pub oversized_response_status: u16 = 502,
    }
}

declare! {
    /// Your own code calling Invoke through an AWS SDK (§1, §2).
    pub struct CustomSource {
        /// The source's id, unique in the scenario.
        pub id: String,
        /// `request_response` (synchronous) or `event` (asynchronous).
        pub invocation_type: InvocationType = InvocationType::RequestResponse,
        /// SDK standard/adaptive retry mode: 3 attempts in total (SDK-RETRY [D]).
        #[field(range(1, 10), row("SDK-RETRY"))]
        pub sdk_max_attempts: u32 = 3,
        /// SDK backoff base: random 0…min(max, base × 2^n). [U]: the sheet gives no numbers.
        #[field(range(1, 3_600_000), row("SDK-RETRY"), undocumented)]
        pub sdk_backoff_base_ms: u64 = 1000,
        /// SDK backoff ceiling. [U]
        #[field(range(1, 3_600_000), row("SDK-RETRY"), undocumented)]
        pub sdk_max_backoff_ms: u64 = 20_000,
        /// Client read timeout after which the client re-sends (AWS CLI: 60 s, CLI-TIMEOUT [S]).
        /// Unset = wait for the answer.
        #[field(range(100, 3_600_000), row("CLI-TIMEOUT"))]
        pub read_timeout_ms: Option<u64> = None,
    }
}

declare! {
    /// An S3 bucket's event notifications (asynchronous, §6).
    pub struct S3Source {
        /// The source's id, unique in the scenario.
        pub id: String,
        /// The bucket's name (shown on the diagram).
        pub bucket: String = "uploads".into(),
        /// Typical notification delay: "typically within seconds" (S3-NOTIF [D]). [U]
        #[field(range(0, 600_000), row("S3-NOTIF"), undocumented)]
        pub delivery_delay_ms: u64 = 1000,
        /// Chance that a notification is late: "sometimes a minute or longer" (S3-NOTIF [D]).
        /// A late one takes `late_delivery_delay_ms` instead. [U]: the rate is undocumented.
        #[field(number(0.0, 1.0), row("S3-NOTIF"), undocumented)]
        pub late_delivery_probability: f64 = 0.0,
        /// How late a late notification is: a minute or more (S3-NOTIF [D]). [U]
        #[field(range(60_000, 3_600_000), row("S3-NOTIF"), undocumented)]
        pub late_delivery_delay_ms: u64 = 60_000,
        /// Chance of a duplicate notification (at-least-once, S3-NOTIF [D]; rate undocumented).
        /// [U]
        #[field(number(0.0, 1.0), row("S3-NOTIF"), undocumented)]
        pub duplicate_probability: f64 = 0.0,
    }
}

declare! {
    /// An SNS topic with the function subscribed (asynchronous, §6).
    pub struct SnsSource {
        /// The source's id, unique in the scenario.
        pub id: String,
        /// The topic's name (shown on the diagram).
        pub topic: String = "notifications".into(),
        /// Lambda cannot be reached from SNS for this long from the start (a server-side
        /// delivery failure); SNS's delivery policy retries meanwhile (SNS-RETRY [D]).
        #[field(range(0, MAX_HORIZON_S as i64 * 1000), row("SNS-RETRY"))]
        pub unreachable_for_ms: u64 = 0,
        /// The subscription's redrive policy: an SQS queue that receives messages SNS could
        /// not deliver once its delivery policy is used up (SNS-RETRY [D], §6). Unset = they are
        /// discarded.
        #[field(row("SNS-RETRY"))]
        pub dead_letter_queue: Option<String> = None,
    }
}

declare! {
    /// An EventBridge rule targeting the function (asynchronous, §6).
    pub struct EventBridgeSource {
        /// The source's id, unique in the scenario.
        pub id: String,
        /// The event bus's name (shown on the diagram).
        pub bus: String = "default".into(),
        /// Target retry policy: 185 attempts, 0–185 (EB-RETRY [D], EB-API [D]).
        #[field(range(0, 185), row("EB-API"))]
        pub maximum_retry_attempts: u32 = 185,
        /// 24 h, 60–86,400 s (EB-API [D]).
        #[field(range(60, 86_400), row("EB-API"))]
        pub maximum_event_age_s: u32 = 86_400,
        /// Target DLQ (an SQS queue) for *delivery* failures only (EB-RETRY [D], EB-RP [S]).
        #[field(row("EB-RETRY"))]
        pub dead_letter_queue: Option<String> = None,
        /// Lambda cannot be reached from EventBridge for this long from the start.
        #[field(range(0, MAX_HORIZON_S as i64 * 1000))]
        pub unreachable_for_ms: u64 = 0,
        /// First delivery-retry wait: exponential backoff with jitter (EB-RETRY [D]). [U]
        #[field(range(1, 3_600_000), row("EB-RETRY"), undocumented)]
        pub retry_backoff_initial_ms: u64 = 1000,
        /// Longest delivery-retry wait. 640 s: with retries doubling from 1 s and jittered into
        /// the upper half of each step, the 185 documented retries then take about 23.6 h, so
        /// EventBridge's two documented limits (185 attempts, 24 h) run out together, as
        /// EB-RETRY describes them. (With a 60 s cap they were used up in about 2.3 h.) [U]
        #[field(range(1, 86_400_000), row("EB-RETRY"), undocumented)]
        pub retry_backoff_max_ms: u64 = 640_000,
    }
}

declare! {
    /// An AWS service (or your code) that invokes the function: one `[[sources]]` table, whose
    /// `kind` says which.
    pub enum Source by "kind" {
        /// API Gateway (synchronous).
        ApiGateway = "api_gateway" (ApiGatewaySource),
        /// CloudFront, Lambda@Edge (synchronous).
        Cloudfront = "cloudfront" (CloudfrontSource),
        /// Your code calling Invoke (synchronous or asynchronous).
        Custom = "custom" (CustomSource),
        /// S3 event notifications (asynchronous).
        S3 = "s3" (S3Source),
        /// An SNS subscription (asynchronous).
        Sns = "sns" (SnsSource),
        /// An EventBridge rule (asynchronous).
        EventBridge = "event_bridge" (EventBridgeSource),
        /// An SQS queue polled by a Lambda event source mapping (§3a, §3b).
        Sqs = "sqs" (SqsSource),
        /// A Kinesis data stream polled by an event source mapping (§3a, §3c).
        Kinesis = "kinesis" (KinesisSource),
        /// A DynamoDB stream polled by an event source mapping (§3a, §3c).
        DynamodbStreams = "dynamodb_streams" (DynamodbStreamsSource),
        /// A Step Functions state machine whose Task states invoke the function (§5).
        StepFunctions = "step_functions" (StepFunctionsSource),
    }
}

impl Source {
    /// API Gateway's integration timeout; `None` for other sources.
    pub fn integration_timeout_ms(&self) -> Option<u64> {
        match self {
            Source::ApiGateway(a) => Some(a.integration_timeout_ms()),
            _ => None,
        }
    }

    pub fn id(&self) -> &str {
        match self {
            Source::ApiGateway(s) => &s.id,
            Source::Cloudfront(s) => &s.id,
            Source::Custom(s) => &s.id,
            Source::S3(s) => &s.id,
            Source::Sns(s) => &s.id,
            Source::EventBridge(s) => &s.id,
            Source::Sqs(q) => &q.id,
            Source::Kinesis(k) => &k.id,
            Source::DynamodbStreams(d) => &d.id,
            Source::StepFunctions(m) => &m.id,
        }
    }
    pub fn method(&self) -> Method {
        match self {
            Source::ApiGateway(_) | Source::Cloudfront(_) => Method::Synchronous,
            Source::Custom(c) => match c.invocation_type {
                InvocationType::RequestResponse => Method::Synchronous,
                InvocationType::Event => Method::Asynchronous,
            },
            Source::S3(_) | Source::Sns(_) | Source::EventBridge(_) => Method::Asynchronous,
            // Event source mappings poll, then invoke synchronously (L-ESM).
            Source::Sqs(_) | Source::Kinesis(_) | Source::DynamodbStreams(_) => Method::Polling,
            // Step Functions waits for the function's answer: a synchronous caller (SFN-LAMBDA).
            Source::StepFunctions(_) => Method::Synchronous,
        }
    }
}
