"""kms-infracost: estimate Alibaba Cloud KMS charges from Terraform before it is applied."""

__version__ = "0.1.0"
