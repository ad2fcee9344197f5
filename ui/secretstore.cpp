#include "ui/secretstore.h"

#include <qt6keychain/keychain.h>

namespace relaydesk::ui {

SecretStore::SecretStore(QObject *parent)
    : QObject(parent)
{}

QString SecretStore::service()
{
    return QStringLiteral("Relaydesk");
}

QList<SecretStore::Entry> SecretStore::entries()
{
    return {
        {QStringLiteral("ai.anthropic.api_key"), QStringLiteral("ANTHROPIC_API_KEY")},
        {QStringLiteral("ai.openai.api_key"), QStringLiteral("OPENAI_API_KEY")},
        {QStringLiteral("channels.telegram.bot_token"),
         QStringLiteral("RELAYDESK_TELEGRAM_BOT_TOKEN")},
        {QStringLiteral("channels.discord.bot_token"),
         QStringLiteral("RELAYDESK_DISCORD_BOT_TOKEN")},
        {QStringLiteral("channels.twilio.auth_token"),
         QStringLiteral("RELAYDESK_TWILIO_AUTH_TOKEN")},
        {QStringLiteral("channels.sendgrid.api_key"), QStringLiteral("RELAYDESK_SENDGRID_API_KEY")},
        {QStringLiteral("channels.twitter.bearer_token"),
         QStringLiteral("RELAYDESK_TWITTER_BEARER_TOKEN")},
        {QStringLiteral("channels.webhook.secret"), QStringLiteral("RELAYDESK_WEBHOOK_SECRET")},
    };
}

void SecretStore::write(const QString &key, const QString &value, Done done)
{
    auto *job = new QKeychain::WritePasswordJob(service(), this);
    // Plain-text fallback would put the secret in a settings file; that is the thing to avoid.
    job->setInsecureFallback(false);
    job->setKey(key);
    job->setTextData(value);
    connect(job, &QKeychain::Job::finished, this, [done = std::move(done)](QKeychain::Job *job) {
        done(job->error() == QKeychain::NoError, job->errorString());
    });
    job->start();
}

void SecretStore::read(const QString &key, Loaded loaded)
{
    auto *job = new QKeychain::ReadPasswordJob(service(), this);
    job->setInsecureFallback(false);
    job->setKey(key);
    connect(job, &QKeychain::Job::finished, this,
            [loaded = std::move(loaded)](QKeychain::Job *finished) {
                auto *read = static_cast<QKeychain::ReadPasswordJob *>(finished);
                loaded(read->error() == QKeychain::NoError, read->textData(),
                       read->error() == QKeychain::EntryNotFound ? QString() : read->errorString());
            });
    job->start();
}

void SecretStore::remove(const QString &key, Done done)
{
    auto *job = new QKeychain::DeletePasswordJob(service(), this);
    job->setInsecureFallback(false);
    job->setKey(key);
    connect(job, &QKeychain::Job::finished, this, [done = std::move(done)](QKeychain::Job *job) {
        done(job->error() == QKeychain::NoError || job->error() == QKeychain::EntryNotFound,
             job->errorString());
    });
    job->start();
}

QString SecretStore::fallbackMessage(const QString &error)
{
    return tr("No system keychain is available (%1). Relaydesk does not keep secrets in plain "
              "files: set them as environment variables (for example ANTHROPIC_API_KEY) or in the "
              "configuration file, which you can protect yourself.")
        .arg(error.isEmpty() ? tr("unknown reason") : error);
}

} // namespace relaydesk::ui
