// Key Vault (RBAC mode, no access policies) holding the bootstrap merchant's secrets and the SMTP password. The
// function app reads them through Key Vault references, so the values never appear in app
// settings or in the deployment history.

param location string
param keyVaultName string
param tags object

@secure()
param merchantApiKey string

@secure()
param merchantWebhookSecret string

@description('The SMTP server\'s password; no secret is created when empty.')
@secure()
param smtpPassword string = ''

resource vault 'Microsoft.KeyVault/vaults@2024-11-01' = {
  name: keyVaultName
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 7
    publicNetworkAccess: 'Enabled'
  }
}

resource apiKey 'Microsoft.KeyVault/vaults/secrets@2024-11-01' = {
  parent: vault
  name: 'bootstrap-merchant-0-api-key'
  properties: { value: merchantApiKey, contentType: 'text/plain' }
}

resource webhookSecret 'Microsoft.KeyVault/vaults/secrets@2024-11-01' = {
  parent: vault
  name: 'bootstrap-merchant-0-webhook-secret'
  properties: { value: merchantWebhookSecret, contentType: 'text/plain' }
}

resource smtpPasswordSecret 'Microsoft.KeyVault/vaults/secrets@2024-11-01' = if (!empty(smtpPassword)) {
  parent: vault
  name: 'smtp-password'
  properties: { value: smtpPassword, contentType: 'text/plain' }
}

output name string = vault.name

// Versionless URIs: the app picks up a rotated secret on its next reference refresh
// (restart, config change, or within 24 h) without a redeploy.
output apiKeyUri string = apiKey.properties.secretUri
output webhookSecretUri string = webhookSecret.properties.secretUri
// Written out rather than read from the conditional secret: used only when the secret exists.
output smtpSecretUri string = '${vault.properties.vaultUri}secrets/${smtpPasswordSecret.name}'
