// Log Analytics workspace + workspace-based Application Insights (classic, non-workspace
// Application Insights is retired). The Functions host sends its own logs and the custom
// handler's stdout ("Host.Function.Console") here via APPLICATIONINSIGHTS_CONNECTION_STRING.

param location string
param baseName string
param tags object

@description('Days Log Analytics keeps data; 30 is the free retention.')
param retentionInDays int = 30

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: 'log-${baseName}'
  location: location
  tags: tags
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: retentionInDays
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: 'appi-${baseName}'
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
  }
}

// Not a secret (an ingestion endpoint + id), but it lets anyone send telemetry: keep it in
// app settings, never in the repo.
output connectionString string = appInsights.properties.ConnectionString
