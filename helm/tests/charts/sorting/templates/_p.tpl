kind: Secret
