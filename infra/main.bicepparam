// Dev environment. The merchant secrets come from the deployer's environment so they never
// land in the repo: export PLEDG_DEV_MERCHANT_API_KEY and PLEDG_DEV_MERCHANT_WEBHOOK_SECRET
// (see infra/README.md) before `az deployment group create`. Mail: PLEDG_DEV_SMTP_HOST (none: no
// message is sent), PLEDG_DEV_SMTP_USERNAME and PLEDG_DEV_SMTP_PASSWORD (stored in Key Vault).
using './main.bicep'

param environmentName = 'dev'
param merchantName = 'Dev Outdoor Shop'
param merchantApiKey = readEnvironmentVariable('PLEDG_DEV_MERCHANT_API_KEY')
param merchantWebhookSecret = readEnvironmentVariable('PLEDG_DEV_MERCHANT_WEBHOOK_SECRET')
param paymentWindow = '2.00:00:00'
param webhookFirstRetryDelay = '00:00:30'
param smtpHost = readEnvironmentVariable('PLEDG_DEV_SMTP_HOST', '')
param smtpUserName = readEnvironmentVariable('PLEDG_DEV_SMTP_USERNAME', '')
param smtpPassword = readEnvironmentVariable('PLEDG_DEV_SMTP_PASSWORD', '')
