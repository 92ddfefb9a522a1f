//! Per-service policies that are more than a parameter: SNS's fixed delivery policy and
//! EventBridge's retry policy. (API Gateway, CloudFront and the SDK live in
//! [`crate::invoke::sync`]; S3's delay and duplicates in [`crate::invoke::asynchronous`].)

pub mod eventbridge;
pub mod sns;
