// Pledg Functions on Azure: storage (the app's tables and the Durable task hub), monitoring, Key
// Vault and an Elastic Premium Linux function app running PledgFunctions as a .NET isolated worker.
// Deploy: see infra/README.md. Compile offline: bash infra/build-bicep.sh.

targetScope = 'resourceGroup'

@description('Short environment name, part of every resource name.')
@maxLength(8)
param environmentName string

param location string = resourceGroup().location

@description('Pledg:PaymentWindow, a TimeSpan: how long pledgers have to pay.')
param paymentWindow string = '2.00:00:00'

@description('Pledg:Webhooks:FirstRetryDelay, a TimeSpan.')
param webhookFirstRetryDelay string = '00:00:30'

@description('Pledg:PublicBaseUrl. Empty = the function app\'s default https address. Set it under the Functions host: requests reach the worker through the host\'s proxy, and which Host they carry there is not verified offline.')
param publicBaseUrl string = ''

@description('Display name of the merchant ensured at start-up (Pledg:BootstrapMerchants:0).')
param merchantName string

@description('API key of the bootstrap merchant; stored in Key Vault, never in app settings.')
@secure()
@minLength(24)
param merchantApiKey string

@description('Webhook signing secret of the bootstrap merchant; stored in Key Vault.')
@secure()
@minLength(24)
param merchantWebhookSecret string

@description('Pledg:Email:Smtp:Host, the SMTP server the messages to organizers and pledgers go through. Empty: no message is sent (Pledg:Email:Enabled=false) rather than retried for a day against nothing.')
param smtpHost string = ''

@description('Pledg:Email:Smtp:Port: 587 with StartTls, 465 with Tls.')
@minValue(1)
@maxValue(65535)
param smtpPort int = 587

@description('Pledg:Email:Smtp:Security. None is not offered here: from Azure the server is across a network, and the credentials and page links would travel in clear.')
@allowed(['StartTls', 'Tls'])
param smtpSecurity string = 'StartTls'

@description('Pledg:Email:Smtp:UserName; empty when the server takes mail without a login.')
param smtpUserName string = ''

@description('Pledg:Email:Smtp:Password; stored in Key Vault, never in app settings. Empty with an empty user name.')
@secure()
param smtpPassword string = ''

@description('Pledg:Email:From, the sender of every message.')
param emailFrom string = 'Pledg <no-reply@pledg.local>'

@allowed(['Standard_LRS', 'Standard_ZRS', 'Standard_GRS'])
param storageSku string = 'Standard_LRS'

// Short, stable per resource group. The function app name stays under 32 characters so the
// host id (the first 32 characters of the name) cannot collide with another app's.
var baseName = 'pledg-${environmentName}-${take(uniqueString(resourceGroup().id), 6)}'
var functionAppName = 'func-${baseName}'
var contentShareName = toLower(functionAppName)
var tags = { project: 'pledg-functions', environment: environmentName }

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    location: location
    storageAccountName: take('st${replace(baseName, '-', '')}', 24)
    contentShareName: contentShareName
    sku: storageSku
    tags: tags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    location: location
    baseName: baseName
    tags: tags
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  params: {
    location: location
    keyVaultName: take('kv-${baseName}', 24)
    merchantApiKey: merchantApiKey
    merchantWebhookSecret: merchantWebhookSecret
    smtpPassword: smtpPassword
    tags: tags
  }
}

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionapp'
  params: {
    location: location
    functionAppName: functionAppName
    storageAccountName: storage.outputs.name
    contentShareName: contentShareName
    tags: tags
    // Every configuration key of the contract (shared/api.md, "Configuration").
    appSettings: {
      APPLICATIONINSIGHTS_CONNECTION_STRING: monitoring.outputs.connectionString
      Pledg__PaymentWindow: paymentWindow
      Pledg__PublicBaseUrl: empty(publicBaseUrl) ? 'https://${functionAppName}.azurewebsites.net' : publicBaseUrl
      Pledg__Webhooks__FirstRetryDelay: webhookFirstRetryDelay
      // Every request reaches the app from the Functions host: the client's address is the last X-Forwarded-For entry.
      Pledg__RateLimits__ClientAddressHeader: 'X-Forwarded-For'
      Pledg__BootstrapMerchants__0__Name: merchantName
      Pledg__BootstrapMerchants__0__ApiKey: '@Microsoft.KeyVault(SecretUri=${keyVault.outputs.apiKeyUri})'
      Pledg__BootstrapMerchants__0__WebhookSecret: '@Microsoft.KeyVault(SecretUri=${keyVault.outputs.webhookSecretUri})'
      Pledg__Email__Enabled: string(!empty(smtpHost))
      Pledg__Email__Smtp__Host: smtpHost
      Pledg__Email__Smtp__Port: string(smtpPort)
      Pledg__Email__Smtp__Security: smtpSecurity
      Pledg__Email__Smtp__UserName: smtpUserName
      // No reference without a secret behind it: an unresolvable reference reaches the app as its literal text.
      Pledg__Email__Smtp__Password: empty(smtpPassword) ? '' : '@Microsoft.KeyVault(SecretUri=${keyVault.outputs.smtpSecretUri})'
      Pledg__Email__From: emailFrom
    }
  }
}

module roles 'modules/roles.bicep' = {
  name: 'roles'
  params: {
    principalId: functionApp.outputs.principalId
    storageAccountName: storage.outputs.name
    keyVaultName: keyVault.outputs.name
  }
}

output functionAppName string = functionApp.outputs.name
output url string = 'https://${functionApp.outputs.defaultHostName}'
