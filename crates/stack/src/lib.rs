//! Your own stack: an AWS SAM or CloudFormation template read as lambdascope scenarios.

pub mod yaml;
