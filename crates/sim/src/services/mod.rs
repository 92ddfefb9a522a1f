//! Per-service policies that are more than a parameter: SNS's fixed delivery policy and
//! EventBridge's retry policy. (API Gateway, CloudFront and the SDK live in
//! [`crate::invoke::sync`]; S3's delay and duplicates in [`crate::invoke::asynchronous`].)
//! The polled sources: [`sqs`] (standard and FIFO queues) and [`streams`] (Kinesis, DynamoDB
//! Streams); and [`stepfunctions`], a state machine calling the function.

pub mod eventbridge;
pub mod sns;
pub mod sqs;
pub mod stepfunctions;
pub mod streams;
