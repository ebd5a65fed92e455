// The one storage account: the app's tables, the Durable task hub (its queues,
// tables and lease blobs, which the extension creates at start, named after the hub) and the
// Functions host's own blobs (host lease, keys); all reached with the function app's managed
// identity.
//
// allowSharedKeyAccess stays true for ONE consumer only: the Elastic Premium content share
// (WEBSITE_CONTENTAZUREFILECONNECTIONSTRING, Azure Files), which supports no identity-based
// connection, and is where zip deploy (`az functionapp deployment source config-zip`) puts
// the package. See infra/README.md, "Shared key access", for the way to turn it off.

param location string
param storageAccountName string
param contentShareName string
param tags object

@allowed(['Standard_LRS', 'Standard_ZRS', 'Standard_GRS'])
param sku string = 'Standard_LRS'

var tableNames = ['Purchases', 'Merchants', 'MerchantPurchases', 'Idempotency', 'SandboxGateway']

resource account 'Microsoft.Storage/storageAccounts@2024-01-01' = {
  name: storageAccountName
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: sku }
  properties: {
    accessTier: 'Hot'
    supportsHttpsTrafficOnly: true
    minimumTlsVersion: 'TLS1_2'
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    allowSharedKeyAccess: true
    // The portal and the CLI then use Entra ID, not keys, for data access by default.
    defaultToOAuthAuthentication: true
    publicNetworkAccess: 'Enabled'
  }
}

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2024-01-01' = {
  parent: account
  name: 'default'
}

resource tables 'Microsoft.Storage/storageAccounts/tableServices/tables@2024-01-01' = [
  for name in tableNames: {
    parent: tableService
    name: name
  }
]

resource fileService 'Microsoft.Storage/storageAccounts/fileServices@2024-01-01' = {
  parent: account
  name: 'default'
}

// Created up front (rather than by the platform) so the name is fixed and every redeploy of
// the template keeps pointing the app at the same share, i.e. at the deployed package.
resource contentShare 'Microsoft.Storage/storageAccounts/fileServices/shares@2024-01-01' = {
  parent: fileService
  name: contentShareName
}

output name string = account.name
