// Elastic Premium (EP1) Linux plan + the function app that runs PledgFunctions as a .NET 10
// isolated worker (HTTP functions + the Durable Task extension). Why EP1 and not Linux
// Consumption (Y1): see infra/README.md, "Plan".

param location string
param functionAppName string
param storageAccountName string
param contentShareName string
param tags object

@description('App settings of the contract (Pledg__*, APPLICATIONINSIGHTS_CONNECTION_STRING, ...).')
param appSettings object

@description('Scale-out ceiling; one instance is always kept warm.')
@minValue(1)
param maximumInstances int = 3

resource storage 'Microsoft.Storage/storageAccounts@2024-01-01' existing = {
  name: storageAccountName
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: 'plan-${functionAppName}'
  location: location
  tags: tags
  kind: 'elastic'
  sku: { name: 'EP1', tier: 'ElasticPremium' }
  properties: {
    reserved: true // Linux
    maximumElasticWorkerCount: maximumInstances
  }
}

var platformSettings = [
  { name: 'FUNCTIONS_EXTENSION_VERSION', value: '~4' }
  { name: 'FUNCTIONS_WORKER_RUNTIME', value: 'dotnet-isolated' }
  // Identity-based storage for the host and for the Durable Task extension, whose Azure Storage
  // provider uses the same connection (AzureWebJobsStorage) for the task hub "PledgHub" of
  // host.json: control and work-item queues, History/Instances tables, partition lease blobs.
  // The host builds the blob/queue/table endpoints from the account name and authenticates
  // with the system-assigned identity (no connection string, no key); roles in roles.bicep.
  { name: 'AzureWebJobsStorage__accountName', value: storage.name }
  // Azure Files has no identity-based access, so the EP content share is the one place that
  // still needs the account key (see storage.bicep).
  {
    name: 'WEBSITE_CONTENTAZUREFILECONNECTIONSTRING'
    value: 'DefaultEndpointsProtocol=https;AccountName=${storage.name};EndpointSuffix=${environment().suffixes.storage};AccountKey=${storage.listKeys().keys[0].value}'
  }
  { name: 'WEBSITE_CONTENTSHARE', value: contentShareName }
]

var contractSettings = [for setting in items(appSettings): { name: setting.key, value: setting.value }]

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: functionAppName
  location: location
  tags: tags
  kind: 'functionapp,linux'
  identity: { type: 'SystemAssigned' }
  properties: {
    serverFarmId: plan.id
    reserved: true
    httpsOnly: true
    clientAffinityEnabled: false
    keyVaultReferenceIdentity: 'SystemAssigned'
    siteConfig: {
      // The isolated worker stack with the .NET 10 runtime; publish.sh builds framework-dependent.
      linuxFxVersion: 'DOTNET-ISOLATED|10.0'
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
      use32BitWorkerProcess: false
      minimumElasticInstanceCount: 1
      functionAppScaleLimit: maximumInstances
      appSettings: concat(platformSettings, contractSettings)
    }
  }
}

// FTP basic auth off. SCM (Kudu) basic auth stays on: `az functionapp deployment source
// config-zip` authenticates to Kudu's zipdeploy with the site's publishing credentials.
resource ftpBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'ftp'
  properties: { allow: false }
}

output name string = site.name
output principalId string = site.identity.principalId
output defaultHostName string = site.properties.defaultHostName
