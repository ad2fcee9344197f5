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

bool SecretStore::applySecret(Settings &settings, const QString &key, const QString &value)
{
    QString *target = nullptr;
    if (key == QLatin1String("ai.anthropic.api_key"))
        target = &settings.anthropic.apiKey;
    else if (key == QLatin1String("ai.openai.api_key"))
        target = &settings.openai.apiKey;
    else if (key == QLatin1String("channels.telegram.bot_token"))
        target = &settings.telegram.botToken;
    else if (key == QLatin1String("channels.discord.bot_token"))
        target = &settings.discord.botToken;
    else if (key == QLatin1String("channels.twilio.auth_token"))
        target = &settings.twilio.authToken;
    else if (key == QLatin1String("channels.sendgrid.api_key"))
        target = &settings.sendgrid.apiKey;
    else if (key == QLatin1String("channels.twitter.bearer_token"))
        target = &settings.twitter.bearerToken;
    else if (key == QLatin1String("channels.webhook.secret"))
        target = &settings.webhookSecret;
    if (!target || !target->isEmpty() || value.isEmpty())
        return false;
    *target = value;
    return true;
}

void SecretStore::loadSettings(Settings *settings, SettingsLoaded loaded)
{
    struct State {
        int pending = 0;
        QStringList applied;
        QString error;
        SettingsLoaded loaded;
    };
    auto state = std::make_shared<State>();
    const QList<Entry> all = entries();
    state->pending = int(all.size());
    state->loaded = std::move(loaded);
    for (const Entry &entry : all) {
        read(entry.key, [settings, state, key = entry.key](bool ok, const QString &value,
                                                           const QString &error) {
            if (ok && applySecret(*settings, key, value))
                state->applied << key;
            // A missing entry reads as "not ok" with no error: nothing stored, nothing wrong.
            else if (!ok && !error.isEmpty() && state->error.isEmpty())
                state->error = error;
            if (--state->pending == 0)
                state->loaded(state->applied, state->error);
        });
    }
}

QString SecretStore::fallbackMessage(const QString &error)
{
    return tr("No system keychain is available (%1). Relaydesk does not keep secrets in plain "
              "files: set them as environment variables (for example ANTHROPIC_API_KEY) or in the "
              "configuration file, which you can protect yourself.")
        .arg(error.isEmpty() ? tr("unknown reason") : error);
}

} // namespace relaydesk::ui
