//! Your own stack: an AWS SAM or CloudFormation template read as lambdascope scenarios.

pub mod advice;
pub mod doc;
pub mod import;
pub mod intrinsic;
pub mod yaml;
