// Least-privilege data-plane roles for the function app's system-assigned identity.
// Management roles (Owner, Contributor) grant no data access, and none are given.

param principalId string
param storageAccountName string
param keyVaultName string

// The Durable Task extension's Azure Storage provider needs blob, queue and table data
// contributor on the task hub's account (Durable Functions' identity-based connection docs);
// the host's own AzureWebJobsStorage use is in the same account.
var storageRoles = {
  // The app's tables (Purchases, Merchants, ...) and the task hub's History and Instances
  // tables. Also lets the host write diagnostic events.
  tableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  // The task hub's control queues (one per partition) and work-item queue, and any queue the app uses.
  queueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  // The task hub's partition leases and large-message blobs.
  blobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
  // The host's own blobs (azure-webjobs-hosts / -secrets: host lease, keys): the role the
  // Functions docs name for an identity-based AzureWebJobsStorage. Storage Account Contributor
  // is only needed by blob triggers, which this app has none of.
  blobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
}

var keyVaultSecretsUser = '4633458b-17de-408a-b874-0445c86b69e6'

resource storage 'Microsoft.Storage/storageAccounts@2024-01-01' existing = {
  name: storageAccountName
}

resource vault 'Microsoft.KeyVault/vaults@2024-11-01' existing = {
  name: keyVaultName
}

resource storageAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in items(storageRoles): {
    name: guid(storage.id, principalId, role.value)
    scope: storage
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role.value)
      principalId: principalId
      principalType: 'ServicePrincipal'
    }
  }
]

// Scoped to the vault, which holds only this app's secrets.
resource secretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, principalId, keyVaultSecretsUser)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUser)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}
