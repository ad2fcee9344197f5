#include "core/settingsloader.h"

#include <QDir>
#include <QFile>
#include <QHash>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace relaydesk;

namespace {

QProcessEnvironment environment(const QList<std::pair<QString, QString>> &variables)
{
    QProcessEnvironment env;
    for (const auto &[name, value] : variables)
        env.insert(name, value);
    return env;
}

// Every problem as "field: message", one per line, so a failing QVERIFY shows all of them.
QString describe(const Outcome<Settings> &outcome)
{
    QStringList lines;
    for (const FieldError &problem : outcome.error().fields)
        lines.append(problem.field + QStringLiteral(": ") + problem.message);
    return lines.join(QLatin1Char('\n'));
}

bool mentions(const Outcome<Settings> &outcome, const QString &text)
{
    return !outcome.isOk() && describe(outcome).contains(text);
}

// A real P-256 SubjectPublicKeyInfo, as SendGrid shows its verification key.
const char kEcdsaKey[] =
    "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEidhKXWIJKsGZVASzYZv1OqesO/nCssRcqr6W1lGm"
    "HeapPEJ0YEyihYwCgfvW9n/XctOuChrxS7c+o7eWHXSkPg==";
const char kEd25519Key[] = "7bfa440153868943dbd099e368b7bec4b0a67771ef5da7bea0e9b019496fbf25";

QString tomlString(QString text)
{
    text.replace(QLatin1String("\\"), QLatin1String("\\\\"));
    text.replace(QLatin1String("\""), QLatin1String("\\\""));
    text.replace(QLatin1String("\n"), QLatin1String("\\n"));
    return QLatin1Char('"') + text + QLatin1Char('"');
}

// The field each secret variable sets.
QString secretField(const Settings &s, const QString &variable)
{
    const QHash<QString, QString> values = {
        {QStringLiteral("RELAYDESK_WEBHOOK_SECRET"), s.webhookSecret},
        {QStringLiteral("RELAYDESK_TWILIO_ACCOUNT_SID"), s.twilio.accountSid},
        {QStringLiteral("RELAYDESK_TWILIO_AUTH_TOKEN"), s.twilio.authToken},
        {QStringLiteral("RELAYDESK_SENDGRID_API_KEY"), s.sendgrid.apiKey},
        {QStringLiteral("RELAYDESK_SENDGRID_EVENT_PUBLIC_KEY"), s.sendgrid.eventPublicKey},
        {QStringLiteral("RELAYDESK_TELEGRAM_BOT_TOKEN"), s.telegram.botToken},
        {QStringLiteral("RELAYDESK_TELEGRAM_WEBHOOK_SECRET"), s.telegram.webhookSecret},
        {QStringLiteral("RELAYDESK_DISCORD_BOT_TOKEN"), s.discord.botToken},
        {QStringLiteral("RELAYDESK_DISCORD_PUBLIC_KEY"), s.discord.publicKey},
        {QStringLiteral("RELAYDESK_TWITTER_BEARER_TOKEN"), s.twitter.bearerToken},
        {QStringLiteral("ANTHROPIC_API_KEY"), s.anthropic.apiKey},
        {QStringLiteral("OPENAI_API_KEY"), s.openai.apiKey},
    };
    return values.value(variable, QStringLiteral("<no such variable>"));
}

} // namespace

class TestSettingsLoader : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    // Files are named as in the brief's examples so the messages read "config.toml:7 ...".
    QString writeConfig(const QString &text, const QString &name = QStringLiteral("config.toml"))
    {
        const QString path = m_dir.filePath(name);
        QDir().mkpath(QFileInfo(path).absolutePath());
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
            qFatal("cannot write %s", qPrintable(path));
        file.write(text.toUtf8());
        return path;
    }

    Outcome<Settings> loadText(const QString &text)
    {
        return SettingsLoader::load({writeConfig(text), {}, {}});
    }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void defaults()
    {
        const auto outcome = SettingsLoader::load({});
        QVERIFY2(outcome.isOk(), qPrintable(outcome.error().message));
        const Settings &s = outcome.value();
        const Settings expected;
        QCOMPARE(s.dataDir, QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) +
                                QStringLiteral("/relaydesk"));
        QVERIFY(s.configFile.isEmpty());
        QVERIFY(s.databaseUrl.isEmpty());
        QCOMPARE(s.listenHost, QStringLiteral("127.0.0.1"));
        QCOMPARE(s.listenPort, quint16(3030));
        QCOMPARE(s.logLevel, QStringLiteral("info"));
        QCOMPARE(s.queueSize, expected.queueSize);
        QCOMPARE(toString(s.defaultAiMode), QStringLiteral("review"));
        QVERIFY(s.apiTokens.isEmpty());
        QVERIFY(s.offlineAnswers.isEmpty());
        QVERIFY(!s.webhookEnabled);
        QVERIFY(!s.rateLimitEnabled);
    }

    void missingFallbackConfigIsIgnored()
    {
        const auto outcome =
            SettingsLoader::load({m_dir.filePath(QStringLiteral("absent.toml")), {}, {}});
        QVERIFY2(outcome.isOk(), qPrintable(outcome.error().message));
        QVERIFY(outcome.value().configFile.isEmpty());
    }

    void missingExplicitConfigIsAnError()
    {
        const QString absent = m_dir.filePath(QStringLiteral("absent.toml"));
        const auto viaOption = SettingsLoader::load({{}, {{QStringLiteral("config"), absent}}, {}});
        QVERIFY(mentions(viaOption, absent + QStringLiteral(": cannot read the config file")));
        const auto viaEnv = SettingsLoader::load(
            {{}, {}, environment({{QStringLiteral("RELAYDESK_CONFIG"), absent}})});
        QVERIFY(mentions(viaEnv, absent + QStringLiteral(": cannot read the config file")));
    }

    void configFileChoice()
    {
        const QString low =
            writeConfig(QStringLiteral("[server]\nport = 4001\n"), QStringLiteral("low.toml"));
        const QString mid =
            writeConfig(QStringLiteral("[server]\nport = 4002\n"), QStringLiteral("mid.toml"));
        const QString high =
            writeConfig(QStringLiteral("[server]\nport = 4003\n"), QStringLiteral("high.toml"));
        const auto env = environment({{QStringLiteral("RELAYDESK_CONFIG"), mid}});

        auto outcome = SettingsLoader::load({low, {}, {}});
        QCOMPARE(outcome.value().listenPort, quint16(4001));
        QCOMPARE(outcome.value().configFile, low);
        outcome = SettingsLoader::load({low, {}, env});
        QCOMPARE(outcome.value().listenPort, quint16(4002));
        QCOMPARE(outcome.value().configFile, mid);
        outcome = SettingsLoader::load({low, {{QStringLiteral("config"), high}}, env});
        QCOMPARE(outcome.value().listenPort, quint16(4003));
        QCOMPARE(outcome.value().configFile, high);
    }

    void precedence_data()
    {
        QTest::addColumn<QString>("fileLine");
        QTest::addColumn<QString>("envName");
        QTest::addColumn<QString>("envValue");
        QTest::addColumn<QString>("option");
        QTest::addColumn<QString>("optionValue");
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("fromDefault");
        QTest::addColumn<QString>("fromFile");
        QTest::addColumn<QString>("fromEnv");
        QTest::addColumn<QString>("fromOption");

        QTest::newRow("port") << QStringLiteral("[server]\nport = 4000") << QStringLiteral("PORT")
                              << QStringLiteral("5000") << QStringLiteral("listen")
                              << QStringLiteral("0.0.0.0:6000") << QStringLiteral("port")
                              << QStringLiteral("3030") << QStringLiteral("4000")
                              << QStringLiteral("5000") << QStringLiteral("6000");
        QTest::newRow("database url")
            << QStringLiteral("[database]\nurl = \"sqlite:///tmp/file.db\"")
            << QStringLiteral("DATABASE_URL") << QStringLiteral("postgres://env@db/relaydesk")
            << QStringLiteral("database-url")
            << QStringLiteral("postgresql://cli:secret@db:5432/relaydesk")
            << QStringLiteral("database") << QString() << QStringLiteral("sqlite:///tmp/file.db")
            << QStringLiteral("postgres://env@db/relaydesk")
            << QStringLiteral("postgresql://cli:secret@db:5432/relaydesk");
        QTest::newRow("log level")
            << QStringLiteral("[log]\nlevel = \"error\"") << QStringLiteral("RELAYDESK_LOG")
            << QStringLiteral("DEBUG") << QStringLiteral("log-level") << QStringLiteral("warn")
            << QStringLiteral("log") << QStringLiteral("info") << QStringLiteral("error")
            << QStringLiteral("debug") << QStringLiteral("warning");
    }

    void precedence()
    {
        QFETCH(QString, fileLine);
        QFETCH(QString, envName);
        QFETCH(QString, envValue);
        QFETCH(QString, option);
        QFETCH(QString, optionValue);
        QFETCH(QString, field);

        const auto pick = [&](const Outcome<Settings> &outcome) -> QString {
            if (!outcome.isOk())
                return QStringLiteral("error: ") + outcome.error().message;
            const Settings &s = outcome.value();
            if (field == QLatin1String("port"))
                return QString::number(s.listenPort);
            if (field == QLatin1String("database"))
                return s.databaseUrl;
            return s.logLevel;
        };
        const QString file = writeConfig(fileLine + QLatin1Char('\n'));
        const auto env = environment({{envName, envValue}});
        const QMap<QString, QString> cli{{option, optionValue}};

        QTEST(pick(SettingsLoader::load({})), "fromDefault");
        QTEST(pick(SettingsLoader::load({file, {}, {}})), "fromFile");
        QTEST(pick(SettingsLoader::load({file, {}, env})), "fromEnv");
        QTEST(pick(SettingsLoader::load({file, cli, env})), "fromOption");
        // Each level also wins when the levels between are absent.
        QTEST(pick(SettingsLoader::load({{}, cli, {}})), "fromOption");
        QTEST(pick(SettingsLoader::load({{}, {}, env})), "fromEnv");
    }

    void listenSetsHostAndPort_data()
    {
        QTest::addColumn<QString>("listen");
        QTest::addColumn<QString>("host");
        QTest::addColumn<int>("port");
        QTest::newRow("ipv4") << QStringLiteral("0.0.0.0:8080") << QStringLiteral("0.0.0.0")
                              << 8080;
        QTest::newRow("name") << QStringLiteral("localhost:1") << QStringLiteral("localhost") << 1;
        QTest::newRow("ipv6") << QStringLiteral("[::1]:65535") << QStringLiteral("::1") << 65535;
    }

    void listenSetsHostAndPort()
    {
        QFETCH(QString, listen);
        const QString file = writeConfig(QStringLiteral("[server]\nhost = \"10.0.0.1\"\n"));
        const auto outcome =
            SettingsLoader::load({file,
                                  {{QStringLiteral("listen"), listen}},
                                  environment({{QStringLiteral("PORT"), QStringLiteral("5000")}})});
        QVERIFY2(outcome.isOk(), qPrintable(outcome.error().message));
        QTEST(outcome.value().listenHost, "host");
        QTEST(int(outcome.value().listenPort), "port");
    }

    void badListen_data()
    {
        QTest::addColumn<QString>("listen");
        QTest::addColumn<QString>("reason");
        QTest::newRow("no port") << QStringLiteral("localhost")
                                 << QStringLiteral("expected HOST:PORT");
        QTest::newRow("port 0") << QStringLiteral("localhost:0")
                                << QStringLiteral("port between 1 and 65535");
        QTest::newRow("port too big")
            << QStringLiteral("localhost:65536") << QStringLiteral("port between 1 and 65535");
        QTest::newRow("no host") << QStringLiteral(":3030") << QStringLiteral("expected HOST:PORT");
        QTest::newRow("bare ipv6")
            << QStringLiteral("::1:3030") << QStringLiteral("IPv6 addresses need brackets");
        QTest::newRow("unclosed ipv6")
            << QStringLiteral("[::1:3030") << QStringLiteral("expected [IPv6]:PORT");
    }

    void badListen()
    {
        QFETCH(QString, listen);
        QFETCH(QString, reason);
        const auto outcome = SettingsLoader::load({{}, {{QStringLiteral("listen"), listen}}, {}});
        QVERIFY(!outcome.isOk());
        QCOMPARE(outcome.error().kind, ErrorKind::Invalid);
        QCOMPARE(outcome.error().fields.size(), 1);
        QCOMPARE(outcome.error().fields.first().field, QStringLiteral("--listen"));
        QVERIFY2(outcome.error().fields.first().message.contains(reason),
                 qPrintable(describe(outcome)));
    }

    void seed000ExampleLoads()
    {
        const auto outcome = loadText(QStringLiteral(R"(
[server]
host = "0.0.0.0"
port = 3030
thread_pool_size = 32

[database]
max_connections = 20

[queue]
size = 10000
retry_attempts = 3

[metrics]
port = 9000
)"));
        QVERIFY2(outcome.isOk(), qPrintable(outcome.error().message));
        const Settings &s = outcome.value();
        QCOMPARE(s.listenHost, QStringLiteral("0.0.0.0"));
        QCOMPARE(s.listenPort, quint16(3030));
        QCOMPARE(s.threadPoolSize, 32);
        QCOMPARE(s.maxConnections, 20);
        QCOMPARE(s.queueSize, 10000);
        QCOMPARE(s.retryAttempts, 3);
        QCOMPARE(s.metricsPort, 9000);
    }

    void everyKeyIsApplied()
    {
        // Not a raw string: moc 6.4 takes the "//" of a URL inside R"(...)" for a comment and
        // then finds no test class at all.
        const auto outcome =
            loadText(QStringLiteral("[server]\n"
                                    "host = \"::1\"\n"
                                    "port = 8443\n"
                                    "thread_pool_size = 4\n"
                                    "public_url = \"https://desk.example.com\"\n"
                                    "max_body_bytes = 4096\n"
                                    "max_header_bytes = 8192\n"
                                    "idle_timeout_seconds = 15\n"
                                    "[database]\n"
                                    "url = \"postgresql://relay:pw@db.internal:5432/relaydesk\"\n"
                                    "max_connections = 7\n"
                                    "[queue]\n"
                                    "size = 50\n"
                                    "retry_attempts = 0\n"
                                    "lease_seconds = 30\n"
                                    "workers = 2\n"
                                    "retry_base_ms = 250\n"
                                    "retry_max_ms = 9000\n"
                                    "[storage]\n"
                                    "batch_max_writes = 64\n"
                                    "batch_window_ms = 0\n"
                                    "[conversation]\n"
                                    "session_hours = 12\n"
                                    "[metrics]\n"
                                    "enabled = false\n"
                                    "port = 9100\n"
                                    "[ai]\n"
                                    "default_mode = \"Manual\"\n"
                                    "[ai.offline]\n"
                                    "default_reply = \"We will answer soon.\"\n"
                                    "[channels.webhook]\n"
                                    "enabled = true\n"
                                    "outbound_url = \"http://127.0.0.1:9999/out\"\n"
                                    "secret = \"whsec_abc\"\n"
                                    "timeout_ms = 2500\n"
                                    "[api]\n"
                                    "tokens = [\"alpha\", \"beta\"]\n"
                                    "[rate_limit]\n"
                                    "enabled = true\n"
                                    "requests = 10\n"
                                    "period = 5\n"
                                    "[log]\n"
                                    "level = \"critical\"\n"));
        QVERIFY2(outcome.isOk(), qPrintable(outcome.error().message));
        const Settings &s = outcome.value();
        QCOMPARE(s.listenHost, QStringLiteral("::1"));
        QCOMPARE(s.listenPort, quint16(8443));
        QCOMPARE(s.threadPoolSize, 4);
        QCOMPARE(s.publicUrl, QStringLiteral("https://desk.example.com"));
        QCOMPARE(s.maxBodyBytes, qint64(4096));
        QCOMPARE(s.maxHeaderBytes, qint64(8192));
        QCOMPARE(s.idleTimeoutSeconds, 15);
        QCOMPARE(s.databaseUrl, QStringLiteral("postgresql://relay:pw@db.internal:5432/relaydesk"));
        QCOMPARE(s.maxConnections, 7);
        QCOMPARE(s.queueSize, 50);
        QCOMPARE(s.retryAttempts, 0);
        QCOMPARE(s.leaseSeconds, 30);
        QCOMPARE(s.workers, 2);
        QCOMPARE(s.retryBaseMs, 250);
        QCOMPARE(s.retryMaxMs, 9000);
        QCOMPARE(s.batchMaxWrites, 64);
        QCOMPARE(s.batchWindowMs, 0);
        QCOMPARE(s.sessionHours, 12);
        QCOMPARE(s.metricsEnabled, false);
        QCOMPARE(s.metricsPort, 9100);
        QCOMPARE(toString(s.defaultAiMode), QStringLiteral("manual"));
        QCOMPARE(s.offlineDefaultReply, QStringLiteral("We will answer soon."));
        QCOMPARE(s.webhookEnabled, true);
        QCOMPARE(s.webhookOutboundUrl, QStringLiteral("http://127.0.0.1:9999/out"));
        QCOMPARE(s.webhookSecret, QStringLiteral("whsec_abc"));
        QCOMPARE(s.webhookTimeoutMs, 2500);
        QCOMPARE(s.apiTokens, (QStringList{QStringLiteral("alpha"), QStringLiteral("beta")}));
        QCOMPARE(s.rateLimitEnabled, true);
        QCOMPARE(s.rateLimitRequests, 10);
        QCOMPARE(s.rateLimitPeriodSeconds, 5);
        QCOMPARE(s.logLevel, QStringLiteral("critical"));
    }

    void cannedAnswersParse()
    {
        const auto outcome = loadText(QStringLiteral(R"(
[ai.offline]
default_reply = "Someone will be with you shortly."

[[ai.offline.answers]]
keywords = ["refund", "money back"]
reply = "Refunds take 5 business days."

[[ai.offline.answers]]
keywords = ["hours"]
reply = "We are open 9-17 CET, Monday to Friday."
)"));
        QVERIFY2(outcome.isOk(), qPrintable(outcome.error().message));
        const auto &answers = outcome.value().offlineAnswers;
        QCOMPARE(answers.size(), 2);
        QCOMPARE(answers[0].keywords,
                 (QStringList{QStringLiteral("refund"), QStringLiteral("money back")}));
        QCOMPARE(answers[0].reply, QStringLiteral("Refunds take 5 business days."));
        QCOMPARE(answers[1].keywords, QStringList{QStringLiteral("hours")});
        QCOMPARE(answers[1].reply, QStringLiteral("We are open 9-17 CET, Monday to Friday."));
        QCOMPARE(outcome.value().offlineDefaultReply,
                 QStringLiteral("Someone will be with you shortly."));

        const auto inlineForm = loadText(QStringLiteral(
            "[ai.offline]\nanswers = [{ keywords = [\"ship\"], reply = \"Ships in 2 days.\" }]\n"));
        QVERIFY2(inlineForm.isOk(), qPrintable(inlineForm.error().message));
        QCOMPARE(inlineForm.value().offlineAnswers.size(), 1);
        QCOMPARE(inlineForm.value().offlineAnswers[0].reply, QStringLiteral("Ships in 2 days."));
    }

    void badCannedAnswers()
    {
        const auto outcome = loadText(QStringLiteral(R"([[ai.offline.answers]]
keywords = []
reply = "empty keywords"

[[ai.offline.answers]]
keywords = ["ok", 3]
reply = "x"

[[ai.offline.answers]]
keywords = ["only"]

[[ai.offline.answers]]
keywords = ["x"]
reply = "y"
answer = "typo"
)"));
        QVERIFY(!outcome.isOk());
        const QString text = describe(outcome);
        QVERIFY2(text.contains(QStringLiteral("config.toml:2 ai.offline.answers[0].keywords: "
                                              "expected at least one string")),
                 qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("config.toml:6 ai.offline.answers[1].keywords[1]: "
                                              "expected a string, got an integer")),
                 qPrintable(text));
        QVERIFY2(
            text.contains(QStringLiteral("config.toml:9 ai.offline.answers[2]: missing reply")),
            qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("config.toml:15 ai.offline.answers[3].answer: "
                                              "unknown key")),
                 qPrintable(text));
        QCOMPARE(outcome.error().fields.size(), 4);
    }

    void unknownKey()
    {
        const auto outcome = loadText(QStringLiteral("[server]\nport = 3030\nhots = \"x\"\n"));
        QVERIFY(!outcome.isOk());
        QCOMPARE(outcome.error().kind, ErrorKind::Invalid);
        QCOMPARE(outcome.error().fields.size(), 1);
        const FieldError &problem = outcome.error().fields.first();
        QVERIFY2(problem.field.endsWith(QStringLiteral("config.toml:3 server.hots")),
                 qPrintable(problem.field));
        QVERIFY2(problem.message.startsWith(QStringLiteral("unknown key")),
                 qPrintable(problem.message));
        // The message names what would have been accepted.
        QVERIFY2(problem.message.contains(QStringLiteral("host")), qPrintable(problem.message));
        QVERIFY(outcome.error().message.contains(
            QStringLiteral("config.toml:3 server.hots: unknown key")));
    }

    void unknownSection_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("expected");
        QTest::newRow("typo") << QStringLiteral("[sever]\nport = 1\n")
                              << QStringLiteral("config.toml:1 sever: unknown section [sever]");
        // Providers and channels that do not exist must not be silently ignored.
        QTest::newRow("ai.gemini") << QStringLiteral("[ai.gemini]\nmodel = \"g\"\n")
                                   << QStringLiteral("config.toml:1 ai.gemini: unknown section");
        QTest::newRow("channels.slack")
            << QStringLiteral("[channels]\n[channels.slack]\ntoken = \"k\"\n")
            << QStringLiteral("config.toml:2 channels.slack: unknown section");
        QTest::newRow("channels.telegram.token")
            << QStringLiteral("[channels.telegram]\ntoken = \"t\"\n")
            << QStringLiteral("config.toml:2 channels.telegram.token: unknown key (known here: "
                              "enabled, bot_token");
        QTest::newRow("top-level key")
            << QStringLiteral("port = 3030\n") << QStringLiteral("config.toml:1 port: unknown key");
        QTest::newRow("section as value")
            << QStringLiteral("server = 3\n")
            << QStringLiteral("config.toml:1 server: expected a table");
    }

    void unknownSection()
    {
        QFETCH(QString, text);
        QFETCH(QString, expected);
        const auto outcome = loadText(text);
        QVERIFY2(mentions(outcome, expected), qPrintable(describe(outcome)));
    }

    void wrongValue_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("expected");
        QTest::newRow("string for integer")
            << QStringLiteral("[queue]\n\nsize = \"big\"\n")
            << QStringLiteral(
                   "config.toml:3 queue.size: expected a positive integer, got a string");
        QTest::newRow("negative")
            << QStringLiteral("[queue]\nsize = -5\n")
            << QStringLiteral("config.toml:2 queue.size: expected a positive integer, got -5");
        QTest::newRow("float") << QStringLiteral("[queue]\nretry_attempts = 2.5\n")
                               << QStringLiteral(
                                      "config.toml:2 queue.retry_attempts: expected a "
                                      "non-negative integer, got a floating-point number");
        QTest::newRow("port range")
            << QStringLiteral("[server]\nport = 70000\n")
            << QStringLiteral("config.toml:2 server.port: expected an integer between 1 and 65535, "
                              "got 70000");
        QTest::newRow("port zero") << QStringLiteral("[server]\nport = 0\n")
                                   << QStringLiteral("config.toml:2 server.port: expected an "
                                                     "integer between 1 and 65535, got 0");
        QTest::newRow("bool as string")
            << QStringLiteral("[metrics]\nenabled = \"yes\"\n")
            << QStringLiteral(
                   "config.toml:2 metrics.enabled: expected true or false, got a string");
        QTest::newRow("bad enum")
            << QStringLiteral("[ai]\ndefault_mode = \"sometimes\"\n")
            << QStringLiteral("config.toml:2 ai.default_mode: expected one of auto, review, "
                              "manual, got \"sometimes\"");
        QTest::newRow("bad log level")
            << QStringLiteral("[log]\nlevel = \"loud\"\n")
            << QStringLiteral("config.toml:2 log.level: expected one of debug, info, warning, "
                              "error, critical, got \"loud\"");
        QTest::newRow("database scheme")
            << QStringLiteral("[database]\nurl = \"mysql://db/x\"\n")
            << QStringLiteral("config.toml:2 database.url: expected a URL starting with sqlite://, "
                              "postgresql:// or postgres://");
        QTest::newRow("sqlite without path")
            << QStringLiteral("[database]\nurl = \"sqlite://\"\n")
            << QStringLiteral("config.toml:2 database.url: \"sqlite://\" needs a location");
        QTest::newRow("outbound not http")
            << QStringLiteral("[channels.webhook]\nenabled = true\noutbound_url = \"ftp://x/y\"\n")
            << QStringLiteral("config.toml:3 channels.webhook.outbound_url: expected an http:// or "
                              "https:// URL");
        QTest::newRow("outbound missing")
            << QStringLiteral("[channels.webhook]\nenabled = true\n")
            << QStringLiteral("config.toml:2 channels.webhook.enabled: the webhook channel is "
                              "enabled but has no outbound_url");
        QTest::newRow("outbound empty")
            << QStringLiteral("[channels.webhook]\nenabled = true\noutbound_url = \"\"\n")
            << QStringLiteral("config.toml:2 channels.webhook.enabled: the webhook channel is "
                              "enabled but has no outbound_url");
        QTest::newRow("public url")
            << QStringLiteral("[server]\npublic_url = \"desk.example.com\"\n")
            << QStringLiteral(
                   "config.toml:2 server.public_url: expected an http:// or https:// URL");
        QTest::newRow("tokens not array")
            << QStringLiteral("[api]\ntokens = \"abc\"\n")
            << QStringLiteral(
                   "config.toml:2 api.tokens: expected an array of strings, got a string");
        QTest::newRow("empty token")
            << QStringLiteral("[api]\ntokens = [\"a\", \"\"]\n")
            << QStringLiteral("config.toml:2 api.tokens[1]: must not be empty");
        QTest::newRow("retry bounds")
            << QStringLiteral("[queue]\nretry_base_ms = 5000\nretry_max_ms = 1000\n")
            << QStringLiteral(
                   "config.toml:3 queue.retry_max_ms: queue.retry_max_ms (1000) must not "
                   "be less than queue.retry_base_ms (5000)");
        QTest::newRow("tolerance zero")
            << QStringLiteral("[channels.webhook]\ntolerance_s = 0\n")
            << QStringLiteral("config.toml:2 channels.webhook.tolerance_s: expected an integer "
                              "between 1 and 86400, got 0");
        QTest::newRow("sources not tables")
            << QStringLiteral("[channels.webhook]\nsources = \"shop\"\n")
            << QStringLiteral("config.toml:2 channels.webhook.sources: expected tables "
                              "[channels.webhook.sources.<source>]");
        QTest::newRow("source name")
            << QStringLiteral("[channels.webhook.sources.\"my shop\"]\nsecret = \"s\"\n")
            << QStringLiteral("config.toml:1 channels.webhook.sources.\"my shop\": a source name "
                              "is 1 to 64 letters, digits, '_' or '-', got \"my shop\"");
        QTest::newRow("source name too long")
            << QStringLiteral("[channels.webhook.sources.%1]\nsecret = \"s\"\n")
                   .arg(QString(65, QLatin1Char('a')))
            << QStringLiteral("a source name is 1 to 64 letters");
        QTest::newRow("source without secret")
            << QStringLiteral("[channels.webhook.sources.shop]\n")
            << QStringLiteral("config.toml:1 channels.webhook.sources.shop: missing secret");
        QTest::newRow("source empty secret")
            << QStringLiteral("[channels.webhook.sources.shop]\nsecret = \"\"\n")
            << QStringLiteral("config.toml:2 channels.webhook.sources.shop.secret: must not be "
                              "empty");
        QTest::newRow("source unknown key")
            << QStringLiteral("[channels.webhook.sources.shop]\nsecret = \"s\"\nkey = \"k\"\n")
            << QStringLiteral("config.toml:3 channels.webhook.sources.shop.key: unknown key "
                              "(known here: secret)");
        QTest::newRow("telegram mode")
            << QStringLiteral("[channels.telegram]\nmode = \"push\"\n")
            << QStringLiteral("config.toml:2 channels.telegram.mode: expected \"webhook\" or "
                              "\"poll\", got \"push\"");
        QTest::newRow("telegram secret")
            << QStringLiteral("[channels.telegram]\nwebhook_secret = \"has space\"\n")
            << QStringLiteral("config.toml:2 channels.telegram.webhook_secret: expected 1 to 256 "
                              "letters, digits, '_' or '-'");
        QTest::newRow("discord channel id")
            << QStringLiteral("[channels.discord]\nchannel_ids = [\"123\", \"general\"]\n")
            << QStringLiteral("config.toml:2 channels.discord.channel_ids[1]: expected a Discord "
                              "id of digits only, got \"general\"");
        QTest::newRow("discord channel id as integer")
            << QStringLiteral("[channels.discord]\nchannel_ids = [123]\n")
            << QStringLiteral("config.toml:2 channels.discord.channel_ids[0]: expected a string, "
                              "got an integer");
        QTest::newRow("discord application id")
            << QStringLiteral("[channels.discord]\napplication_id = \"app\"\n")
            << QStringLiteral("config.toml:2 channels.discord.application_id: expected a Discord "
                              "id of digits only");
        QTest::newRow("discord public key")
            << QStringLiteral("[channels.discord]\npublic_key = \"abc\"\n")
            << QStringLiteral("config.toml:2 channels.discord.public_key: expected the 64 hex "
                              "digits of an Ed25519 public key");
        QTest::newRow("discord gateway")
            << QStringLiteral("[channels.discord]\ngateway_url = \"https://gateway.discord.gg\"\n")
            << QStringLiteral("config.toml:2 channels.discord.gateway_url: expected a ws:// or "
                              "wss:// URL");
        QTest::newRow("twilio base url")
            << QStringLiteral("[channels.twilio]\nbase_url = \"ftp://api.twilio.com\"\n")
            << QStringLiteral("config.toml:2 channels.twilio.base_url: expected an http:// or "
                              "https:// URL");
        QTest::newRow("sendgrid base url empty")
            << QStringLiteral("[channels.sendgrid]\nbase_url = \"\"\n")
            << QStringLiteral("config.toml:2 channels.sendgrid.base_url: expected an http:// or "
                              "https:// URL, got an empty string");
        QTest::newRow("sendgrid from")
            << QStringLiteral("[channels.sendgrid]\nfrom = \"Support <support@example.com>\"\n")
            << QStringLiteral("config.toml:2 channels.sendgrid.from: expected a plain e-mail "
                              "address");
        QTest::newRow("sendgrid event key")
            << QStringLiteral("[channels.sendgrid]\nevent_public_key = \"not base64!\"\n")
            << QStringLiteral("config.toml:2 channels.sendgrid.event_public_key: expected a "
                              "base64 DER or PEM public key");
        QTest::newRow("sendgrid unterminated pem")
            << QStringLiteral("[channels.sendgrid]\nevent_public_key = \"-----BEGIN PUBLIC "
                              "KEY-----\\nMFkw\\n\"\n")
            << QStringLiteral("config.toml:2 channels.sendgrid.event_public_key: the PEM key has "
                              "no -----END PUBLIC KEY----- line");
        QTest::newRow("twitter poll interval")
            << QStringLiteral("[channels.twitter]\npoll_interval_s = 0\n")
            << QStringLiteral("config.toml:2 channels.twitter.poll_interval_s: expected an integer "
                              "between 1 and 86400, got 0");
        QTest::newRow("chain empty")
            << QStringLiteral("[ai]\nchain = []\n")
            << QStringLiteral("config.toml:2 ai.chain: expected at least one string");
        QTest::newRow("chain unknown provider")
            << QStringLiteral("[ai]\nchain = [\"offline\", \"gemini\"]\n")
            << QStringLiteral("config.toml:2 ai.chain[1]: expected one of anthropic, openai, "
                              "local, offline, got \"gemini\"");
        QTest::newRow("chain duplicate")
            << QStringLiteral("[ai]\nchain = [\"local\", \"offline\", \"Local\"]\n")
            << QStringLiteral("config.toml:2 ai.chain[2]: \"local\" is already in the chain");
        QTest::newRow("chain not array")
            << QStringLiteral("[ai]\nchain = \"offline\"\n")
            << QStringLiteral("config.toml:2 ai.chain: expected an array of strings, got a string");
        QTest::newRow("history zero")
            << QStringLiteral("[ai]\nhistory_messages = 0\n")
            << QStringLiteral("config.toml:2 ai.history_messages: expected an integer between 1 "
                              "and 200, got 0");
        QTest::newRow("history too long")
            << QStringLiteral("[ai]\nhistory_messages = 201\n")
            << QStringLiteral(
                   "ai.history_messages: expected an integer between 1 and 200, got 201");
        QTest::newRow("timeout")
            << QStringLiteral("[ai]\ntimeout_s = 601\n")
            << QStringLiteral("config.toml:2 ai.timeout_s: expected an integer between 1 and 600, "
                              "got 601");
        QTest::newRow("max retries")
            << QStringLiteral("[ai]\nmax_retries = 11\n")
            << QStringLiteral("config.toml:2 ai.max_retries: expected an integer between 0 and 10, "
                              "got 11");
        QTest::newRow("rate limit per user")
            << QStringLiteral("[ai]\nrate_limit_per_user = 0\n")
            << QStringLiteral("config.toml:2 ai.rate_limit_per_user: expected an integer between 1 "
                              "and 100000, got 0");
        QTest::newRow("max tokens")
            << QStringLiteral("[ai.anthropic]\nmax_tokens = 0\n")
            << QStringLiteral("config.toml:2 ai.anthropic.max_tokens: expected an integer between "
                              "1 and 1000000, got 0");
        QTest::newRow("empty model")
            << QStringLiteral("[ai.openai]\nmodel = \" \"\n")
            << QStringLiteral("config.toml:2 ai.openai.model: must not be empty");
        QTest::newRow("local base url")
            << QStringLiteral("[ai.local]\nbase_url = \"localhost:1234\"\n")
            << QStringLiteral("config.toml:2 ai.local.base_url: expected an http:// or https:// "
                              "URL");
        QTest::newRow("api key with line break")
            << QStringLiteral("[ai.anthropic]\napi_key = \"sk-ant\\n\"\n")
            << QStringLiteral("config.toml:2 ai.anthropic.api_key: must not contain control "
                              "characters");
        QTest::newRow("negative price")
            << QStringLiteral("[ai.prices.m]\ninput_per_mtok = -1\noutput_per_mtok = 1\n")
            << QStringLiteral("config.toml:2 ai.prices.m.input_per_mtok: expected a non-negative "
                              "number, got -1");
        QTest::newRow("price as string")
            << QStringLiteral("[ai.prices.m]\ninput_per_mtok = 1\noutput_per_mtok = \"2\"\n")
            << QStringLiteral("config.toml:3 ai.prices.m.output_per_mtok: expected a non-negative "
                              "number, got a string");
        QTest::newRow("infinite price")
            << QStringLiteral("[ai.prices.m]\ninput_per_mtok = inf\noutput_per_mtok = 1\n")
            << QStringLiteral("config.toml:2 ai.prices.m.input_per_mtok: expected a non-negative "
                              "number, got inf");
        QTest::newRow("price missing half")
            << QStringLiteral("[ai.prices.\"gpt-4.1\"]\ninput_per_mtok = 2\n")
            << QStringLiteral("config.toml:1 ai.prices.\"gpt-4.1\": missing output_per_mtok");
        QTest::newRow("price unknown key")
            << QStringLiteral(
                   "[ai.prices.m]\ninput_per_mtok = 1\noutput_per_mtok = 1\ncached = 0.1\n")
            << QStringLiteral("config.toml:4 ai.prices.m.cached: unknown key (known here: "
                              "input_per_mtok, output_per_mtok)");
        QTest::newRow("price model with dots unquoted")
            << QStringLiteral("[ai.prices.gpt-4.1]\ninput_per_mtok = 2\noutput_per_mtok = 8\n")
            << QStringLiteral("ai.prices.gpt-4.1: unknown section; a model name containing dots "
                              "must be quoted");
        QTest::newRow("prices not tables")
            << QStringLiteral("[ai]\nprices = 3\n")
            << QStringLiteral("config.toml:2 ai.prices: expected tables [ai.prices.\"<model>\"]");
        QTest::newRow("breaker threshold")
            << QStringLiteral("[ai.breaker]\nfailure_threshold = 0\n")
            << QStringLiteral("config.toml:2 ai.breaker.failure_threshold: expected an integer "
                              "between 1 and 1000, got 0");
        QTest::newRow("breaker cooldown")
            << QStringLiteral("[ai.breaker]\ncooldown_s = 3601\n")
            << QStringLiteral("config.toml:2 ai.breaker.cooldown_s: expected an integer between 1 "
                              "and 3600, got 3601");
        QTest::newRow("bad pattern")
            << QStringLiteral("[ai.moderation]\nblocked_patterns = ['ok', '(unclosed']\n")
            << QStringLiteral("config.toml:2 ai.moderation.blocked_patterns[1]: invalid regular "
                              "expression \"(unclosed\": missing closing parenthesis at offset");
        QTest::newRow("empty term")
            << QStringLiteral("[ai.moderation]\nblocked_terms = [\"\", \"x\"]\n")
            << QStringLiteral("config.toml:2 ai.moderation.blocked_terms[0]: must not be empty");
        QTest::newRow("detect pii")
            << QStringLiteral("[ai.moderation]\ndetect_pii = \"yes\"\n")
            << QStringLiteral("config.toml:2 ai.moderation.detect_pii: expected true or false, "
                              "got a string");
        QTest::newRow("metrics on api port")
            << QStringLiteral("[server]\nport = 9000\n[metrics]\nport = 9000\n")
            << QStringLiteral("config.toml:4 metrics.port: metrics port 9000 is also the API port");
    }

    void wrongValue()
    {
        QFETCH(QString, text);
        QFETCH(QString, expected);
        const auto outcome = loadText(text);
        QVERIFY(!outcome.isOk());
        QCOMPARE(outcome.error().kind, ErrorKind::Invalid);
        QCOMPARE(outcome.error().fields.size(), 1);
        QVERIFY2(mentions(outcome, expected), qPrintable(describe(outcome)));
    }

    void webhookUrlFromEnvironmentSatisfiesEnabled()
    {
        const QString file = writeConfig(QStringLiteral("[channels.webhook]\nenabled = true\n"));
        const auto outcome =
            SettingsLoader::load({file,
                                  {},
                                  environment({{QStringLiteral("RELAYDESK_WEBHOOK_OUTBOUND_URL"),
                                                QStringLiteral("https://hooks.example.com/relay")},
                                               {QStringLiteral("RELAYDESK_WEBHOOK_SECRET"),
                                                QStringLiteral("s3cret")}})});
        QVERIFY2(outcome.isOk(), qPrintable(outcome.error().message));
        QCOMPARE(outcome.value().webhookOutboundUrl,
                 QStringLiteral("https://hooks.example.com/relay"));
        QCOMPARE(outcome.value().webhookSecret, QStringLiteral("s3cret"));
    }

    void syntaxError()
    {
        const auto outcome = loadText(QStringLiteral("[server]\nport = = 3030\n"));
        QVERIFY(!outcome.isOk());
        QCOMPARE(outcome.error().kind, ErrorKind::Invalid);
        QCOMPARE(outcome.error().fields.size(), 1);
        const FieldError &problem = outcome.error().fields.first();
        // file:line:column, then toml++'s reason.
        QVERIFY2(problem.field.endsWith(QStringLiteral("config.toml:2:8")),
                 qPrintable(problem.field));
        QVERIFY(!problem.message.isEmpty());

        const auto duplicate = loadText(QStringLiteral("[queue]\nsize = 1\nsize = 2\n"));
        QVERIFY(!duplicate.isOk());
        QVERIFY2(duplicate.error().fields.first().field.contains(QStringLiteral("config.toml:3:")),
                 qPrintable(describe(duplicate)));
    }

    void severalErrorsReportedTogether()
    {
        const QString file = writeConfig(QStringLiteral(R"([server]
port = "3030"
[queue]
size = 0
colour = "blue"
[ai]
default_mode = "yolo"
)"));
        const auto outcome = SettingsLoader::load(
            {file,
             {{QStringLiteral("log-level"), QStringLiteral("shout")}},
             environment({{QStringLiteral("PORT"), QStringLiteral("http")},
                          {QStringLiteral("RATE_LIMIT_ENABLED"), QStringLiteral("maybe")}})});
        QVERIFY(!outcome.isOk());
        const auto &fields = outcome.error().fields;
        QCOMPARE(fields.size(), 7);
        // File problems come first, in line order, then environment, then command line.
        QVERIFY(fields[0].field.endsWith(QStringLiteral("config.toml:2 server.port")));
        QVERIFY(fields[1].field.endsWith(QStringLiteral("config.toml:4 queue.size")));
        QVERIFY(fields[2].field.endsWith(QStringLiteral("config.toml:5 queue.colour")));
        QVERIFY(fields[3].field.endsWith(QStringLiteral("config.toml:7 ai.default_mode")));
        QCOMPARE(fields[4].field, QStringLiteral("environment PORT"));
        QCOMPARE(fields[5].field, QStringLiteral("environment RATE_LIMIT_ENABLED"));
        QCOMPARE(fields[6].field, QStringLiteral("--log-level"));
        QVERIFY(
            outcome.error().message.startsWith(QStringLiteral("The settings have 7 problems:")));
        for (const FieldError &problem : fields)
            QVERIFY2(outcome.error().message.contains(problem.field + QStringLiteral(": ") +
                                                      problem.message),
                     qPrintable(outcome.error().message));
    }

    void environmentValues()
    {
        const QString file = writeConfig(QStringLiteral("[api]\ntokens = [\"file-token\"]\n"
                                                        "[rate_limit]\nrequests = 5\n"));
        const auto outcome = SettingsLoader::load(
            {file,
             {},
             environment({{QStringLiteral("RELAYDESK_API_TOKEN"),
                           QStringLiteral(" env-one, file-token ,,env-two ")},
                          {QStringLiteral("RATE_LIMIT_ENABLED"), QStringLiteral("TRUE")},
                          {QStringLiteral("RATE_LIMIT_REQUESTS"), QStringLiteral("250")},
                          {QStringLiteral("RATE_LIMIT_PERIOD"), QStringLiteral("30")},
                          {QStringLiteral("RELAYDESK_DATA_DIR"),
                           m_dir.filePath(QStringLiteral("d/../data"))},
                          // Empty means unset, as an exported-but-blank .env line does.
                          {QStringLiteral("PORT"), QString()}})});
        QVERIFY2(outcome.isOk(), qPrintable(outcome.error().message));
        const Settings &s = outcome.value();
        QCOMPARE(s.apiTokens, (QStringList{QStringLiteral("file-token"), QStringLiteral("env-one"),
                                           QStringLiteral("env-two")}));
        QCOMPARE(s.rateLimitEnabled, true);
        QCOMPARE(s.rateLimitRequests, 250);
        QCOMPARE(s.rateLimitPeriodSeconds, 30);
        QCOMPARE(s.dataDir, m_dir.filePath(QStringLiteral("data")));
        QCOMPARE(s.listenPort, quint16(3030));
    }

    void dataDirFromCommandLine()
    {
        const auto outcome = SettingsLoader::load(
            {{},
             {{QStringLiteral("data-dir"), m_dir.filePath(QStringLiteral("cli"))}},
             environment({{QStringLiteral("RELAYDESK_DATA_DIR"), QStringLiteral("/env/dir")}})});
        QVERIFY2(outcome.isOk(), qPrintable(outcome.error().message));
        QCOMPARE(outcome.value().dataDir, m_dir.filePath(QStringLiteral("cli")));
    }

    void badEnvironmentAndOptions_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("expected");
        QTest::newRow("PORT") << QStringLiteral("PORT") << QStringLiteral("99999")
                              << QStringLiteral("environment PORT: expected an integer between 1 "
                                                "and 65535, got \"99999\"");
        QTest::newRow("DATABASE_URL")
            << QStringLiteral("DATABASE_URL") << QStringLiteral("/var/db.sqlite")
            << QStringLiteral("environment DATABASE_URL: expected a URL starting with sqlite://");
        QTest::newRow("RELAYDESK_LOG")
            << QStringLiteral("RELAYDESK_LOG") << QStringLiteral("chatty")
            << QStringLiteral("environment RELAYDESK_LOG: expected one of");
        QTest::newRow("RATE_LIMIT_PERIOD")
            << QStringLiteral("RATE_LIMIT_PERIOD") << QStringLiteral("-1")
            << QStringLiteral("environment RATE_LIMIT_PERIOD: expected a positive integer");
        QTest::newRow("RATE_LIMIT_REQUESTS")
            << QStringLiteral("RATE_LIMIT_REQUESTS") << QStringLiteral("lots")
            << QStringLiteral("environment RATE_LIMIT_REQUESTS: expected a positive integer");
        QTest::newRow("RELAYDESK_WEBHOOK_OUTBOUND_URL")
            << QStringLiteral("RELAYDESK_WEBHOOK_OUTBOUND_URL") << QStringLiteral("not a url")
            << QStringLiteral("environment RELAYDESK_WEBHOOK_OUTBOUND_URL: expected an http://");
        QTest::newRow("--database-url")
            << QStringLiteral("--database-url") << QStringLiteral("postgresql:/oops")
            << QStringLiteral("--database-url: expected a URL");
        QTest::newRow("--verbose") << QStringLiteral("--verbose") << QStringLiteral("1")
                                   << QStringLiteral("--verbose: unknown option");
        QTest::newRow("--data-dir empty") << QStringLiteral("--data-dir") << QString()
                                          << QStringLiteral("--data-dir: expected a value");
    }

    void badEnvironmentAndOptions()
    {
        QFETCH(QString, name);
        QFETCH(QString, value);
        QFETCH(QString, expected);
        SettingsSources sources;
        if (name.startsWith(QLatin1String("--")))
            sources.commandLine.insert(name.mid(2), value);
        else
            sources.environment.insert(name, value);
        const auto outcome = SettingsLoader::load(sources);
        QVERIFY(!outcome.isOk());
        QCOMPARE(outcome.error().fields.size(), 1);
        QVERIFY2(mentions(outcome, expected), qPrintable(describe(outcome)));
    }

    void channelAndAiKeysAreApplied()
    {
        writeConfig(QStringLiteral("certificate"), QStringLiteral("tls/cert.pem"));
        const QString key = writeConfig(QStringLiteral("key"), QStringLiteral("tls/key.pem"));
        const QString prompt =
            writeConfig(QStringLiteral("Be kind."), QStringLiteral("prompt.txt"));
        // Not a raw string: see everyKeyIsApplied.
        const auto outcome = loadText(
            QStringLiteral("[server]\n"
                           "tls_certificate = \"tls/cert.pem\"\n"
                           "tls_key = %1\n"
                           "[ai]\n"
                           "chain = [\"Anthropic\", \"openai\", \"local\", \"offline\"]\n"
                           "system_prompt_file = \"prompt.txt\"\n"
                           "history_messages = 50\n"
                           "timeout_s = 12\n"
                           "max_retries = 0\n"
                           "rate_limit_per_user = 7\n"
                           "[ai.prices.\"gpt-4.1\"]\n"
                           "input_per_mtok = 2\n"
                           "output_per_mtok = 8.5\n"
                           "[ai.prices.claude-3-5-haiku-latest]\n"
                           "input_per_mtok = 0.8\n"
                           "output_per_mtok = 4\n"
                           "[ai.anthropic]\n"
                           "api_key = \"sk-ant-file\"\n"
                           "base_url = \"http://127.0.0.1:8001\"\n"
                           "model = \"claude-test\"\n"
                           "max_tokens = 300\n"
                           "[ai.openai]\n"
                           "api_key = \"sk-openai-file\"\n"
                           "base_url = \"http://127.0.0.1:8002/v1\"\n"
                           "model = \"gpt-test\"\n"
                           "max_tokens = 400\n"
                           "[ai.local]\n"
                           "api_key = \"lm-studio\"\n"
                           "base_url = \"http://127.0.0.1:8003/v1\"\n"
                           "model = \"qwen\"\n"
                           "max_tokens = 500\n"
                           "[ai.breaker]\n"
                           "failure_threshold = 3\n"
                           "cooldown_s = 9\n"
                           "[ai.moderation]\n"
                           "blocked_terms = [\"scam\", \" wire transfer \"]\n"
                           "blocked_patterns = ['\\bpass(word)?\\b', ' spaced ']\n"
                           "detect_pii = false\n"
                           "[channels.webhook]\n"
                           "tolerance_s = 60\n"
                           "[channels.webhook.sources.shop]\n"
                           "secret = \"shop-secret\"\n"
                           "[channels.webhook.sources.crm_2-eu]\n"
                           "secret = \"crm-secret\"\n"
                           "[channels.twilio]\n"
                           "enabled = true\n"
                           "account_sid = \"AC123\"\n"
                           "auth_token = \"twilio-token\"\n"
                           "from = \"+15550001111\"\n"
                           "base_url = \"http://127.0.0.1:8004\"\n"
                           "[channels.sendgrid]\n"
                           "enabled = true\n"
                           "api_key = \"SG.key\"\n"
                           "from = \"support@example.com\"\n"
                           "event_public_key = \"%2\"\n"
                           "base_url = \"http://127.0.0.1:8005\"\n"
                           "[channels.telegram]\n"
                           "enabled = true\n"
                           "bot_token = \"123:abc\"\n"
                           "mode = \"Poll\"\n"
                           "webhook_secret = \"tg_secret-1\"\n"
                           "base_url = \"http://127.0.0.1:8006\"\n"
                           "[channels.discord]\n"
                           "enabled = true\n"
                           "bot_token = \"discord-token\"\n"
                           "application_id = \"1234567890\"\n"
                           "public_key = \"%3\"\n"
                           "channel_ids = [\"111\", \"222\"]\n"
                           "base_url = \"http://127.0.0.1:8007/api/v10\"\n"
                           "gateway_url = \"ws://127.0.0.1:8008/?v=10&encoding=json\"\n"
                           "[channels.twitter]\n"
                           "enabled = true\n"
                           "bearer_token = \"x-token\"\n"
                           "poll_interval_s = 5\n"
                           "base_url = \"http://127.0.0.1:8009\"\n")
                .arg(tomlString(key), QLatin1String(kEcdsaKey), QLatin1String(kEd25519Key)));
        QVERIFY2(outcome.isOk(), qPrintable(outcome.error().message));
        const Settings &s = outcome.value();

        QCOMPARE(s.tlsCertificateFile, m_dir.filePath(QStringLiteral("tls/cert.pem")));
        QCOMPARE(s.tlsKeyFile, key);
        QCOMPARE(s.aiChain, (QStringList{QStringLiteral("anthropic"), QStringLiteral("openai"),
                                         QStringLiteral("local"), QStringLiteral("offline")}));
        QCOMPARE(s.systemPromptFile, prompt);
        QVERIFY(s.systemPrompt.isEmpty());
        QCOMPARE(s.historyMessages, 50);
        QCOMPARE(s.aiTimeoutSeconds, 12);
        QCOMPARE(s.aiMaxRetries, 0);
        QCOMPARE(s.aiRateLimitPerUserPerMinute, 7);
        QCOMPARE(s.modelPrices.keys(), (QStringList{QStringLiteral("claude-3-5-haiku-latest"),
                                                    QStringLiteral("gpt-4.1")}));
        QCOMPARE(s.modelPrices[QStringLiteral("gpt-4.1")].inputPerMillionTokens, 2.0);
        QCOMPARE(s.modelPrices[QStringLiteral("gpt-4.1")].outputPerMillionTokens, 8.5);
        QCOMPARE(s.modelPrices[QStringLiteral("claude-3-5-haiku-latest")].inputPerMillionTokens,
                 0.8);
        QCOMPARE(s.modelPrices[QStringLiteral("claude-3-5-haiku-latest")].outputPerMillionTokens,
                 4.0);
        QCOMPARE(s.anthropic.apiKey, QStringLiteral("sk-ant-file"));
        QCOMPARE(s.anthropic.baseUrl, QStringLiteral("http://127.0.0.1:8001"));
        QCOMPARE(s.anthropic.model, QStringLiteral("claude-test"));
        QCOMPARE(s.anthropic.maxTokens, 300);
        QCOMPARE(s.openai.apiKey, QStringLiteral("sk-openai-file"));
        QCOMPARE(s.openai.baseUrl, QStringLiteral("http://127.0.0.1:8002/v1"));
        QCOMPARE(s.openai.model, QStringLiteral("gpt-test"));
        QCOMPARE(s.openai.maxTokens, 400);
        QCOMPARE(s.local.apiKey, QStringLiteral("lm-studio"));
        QCOMPARE(s.local.baseUrl, QStringLiteral("http://127.0.0.1:8003/v1"));
        QCOMPARE(s.local.model, QStringLiteral("qwen"));
        QCOMPARE(s.local.maxTokens, 500);
        QCOMPARE(s.breakerFailureThreshold, 3);
        QCOMPARE(s.breakerCooldownSeconds, 9);
        QCOMPARE(s.blockedTerms,
                 (QStringList{QStringLiteral("scam"), QStringLiteral("wire transfer")}));
        // Patterns keep their spaces; terms are trimmed.
        QCOMPARE(s.blockedPatterns,
                 (QStringList{QStringLiteral("\\bpass(word)?\\b"), QStringLiteral(" spaced ")}));
        QCOMPARE(s.detectPii, false);
        QCOMPARE(s.webhookToleranceSeconds, 60);
        QCOMPARE(
            s.webhookSourceSecrets,
            (QMap<QString, QString>{{QStringLiteral("shop"), QStringLiteral("shop-secret")},
                                    {QStringLiteral("crm_2-eu"), QStringLiteral("crm-secret")}}));
        QCOMPARE(s.twilio.enabled, true);
        QCOMPARE(s.twilio.accountSid, QStringLiteral("AC123"));
        QCOMPARE(s.twilio.authToken, QStringLiteral("twilio-token"));
        QCOMPARE(s.twilio.from, QStringLiteral("+15550001111"));
        QCOMPARE(s.twilio.baseUrl, QStringLiteral("http://127.0.0.1:8004"));
        QCOMPARE(s.sendgrid.enabled, true);
        QCOMPARE(s.sendgrid.apiKey, QStringLiteral("SG.key"));
        QCOMPARE(s.sendgrid.from, QStringLiteral("support@example.com"));
        QCOMPARE(s.sendgrid.eventPublicKey, QLatin1String(kEcdsaKey));
        QCOMPARE(s.sendgrid.baseUrl, QStringLiteral("http://127.0.0.1:8005"));
        QCOMPARE(s.telegram.enabled, true);
        QCOMPARE(s.telegram.botToken, QStringLiteral("123:abc"));
        QCOMPARE(s.telegram.mode, QStringLiteral("poll"));
        QCOMPARE(s.telegram.webhookSecret, QStringLiteral("tg_secret-1"));
        QCOMPARE(s.telegram.baseUrl, QStringLiteral("http://127.0.0.1:8006"));
        QCOMPARE(s.discord.enabled, true);
        QCOMPARE(s.discord.botToken, QStringLiteral("discord-token"));
        QCOMPARE(s.discord.applicationId, QStringLiteral("1234567890"));
        QCOMPARE(s.discord.publicKey, QLatin1String(kEd25519Key));
        QCOMPARE(s.discord.channelIds, (QStringList{QStringLiteral("111"), QStringLiteral("222")}));
        QCOMPARE(s.discord.baseUrl, QStringLiteral("http://127.0.0.1:8007/api/v10"));
        QCOMPARE(s.discord.gatewayUrl, QStringLiteral("ws://127.0.0.1:8008/?v=10&encoding=json"));
        QCOMPARE(s.twitter.enabled, true);
        QCOMPARE(s.twitter.bearerToken, QStringLiteral("x-token"));
        QCOMPARE(s.twitter.pollIntervalSeconds, 5);
        QCOMPARE(s.twitter.baseUrl, QStringLiteral("http://127.0.0.1:8009"));
    }

    void sendGridKeyAsPem()
    {
        const QString pem =
            QStringLiteral("-----BEGIN PUBLIC KEY-----\n%1\n%2\n-----END PUBLIC KEY-----\n")
                .arg(QLatin1String(kEcdsaKey).left(64), QLatin1String(kEcdsaKey).mid(64));
        const auto outcome = loadText(
            QStringLiteral("[channels.sendgrid]\nevent_public_key = %1\n").arg(tomlString(pem)));
        QVERIFY2(outcome.isOk(), qPrintable(outcome.error().message));
        QCOMPARE(outcome.value().sendgrid.eventPublicKey, pem);
    }

    void tlsFiles()
    {
        const QString certificate =
            writeConfig(QStringLiteral("certificate"), QStringLiteral("site/cert.pem"));
        const QString key = writeConfig(QStringLiteral("key"), QStringLiteral("site/key.pem"));
        const QString configFile = m_dir.filePath(QStringLiteral("site/config.toml"));
        // Relative paths resolve against the config file's directory, not the working one.
        const auto load = [&](const QString &text) {
            return SettingsLoader::load(
                {writeConfig(text, QStringLiteral("site/config.toml")), {}, {}});
        };

        auto outcome = load(
            QStringLiteral("[server]\ntls_certificate = \"cert.pem\"\ntls_key = \"./key.pem\"\n"));
        QVERIFY2(outcome.isOk(), qPrintable(outcome.error().message));
        QCOMPARE(outcome.value().tlsCertificateFile, certificate);
        QCOMPARE(outcome.value().tlsKeyFile, key);

        outcome = load(QStringLiteral("[server]\ntls_certificate = \"cert.pem\"\n"));
        QVERIFY(!outcome.isOk());
        QCOMPARE(describe(outcome),
                 configFile + QStringLiteral(":2 server.tls_certificate: server.tls_certificate "
                                             "is set but server.tls_key is not; HTTPS needs both "
                                             "files"));

        outcome = load(QStringLiteral("[server]\ntls_key = \"key.pem\"\ntls_certificate = \"\"\n"));
        QVERIFY2(mentions(outcome, configFile + QStringLiteral(":2 server.tls_key: server.tls_key "
                                                               "is set but server.tls_certificate "
                                                               "is not")),
                 qPrintable(describe(outcome)));

        // A missing file is reported once, not again as "set but the other is not".
        outcome = load(
            QStringLiteral("[server]\ntls_certificate = \"absent.pem\"\ntls_key = \"key.pem\"\n"));
        QVERIFY(!outcome.isOk());
        QCOMPARE(describe(outcome), configFile + QStringLiteral(":2 server.tls_certificate: ") +
                                        m_dir.filePath(QStringLiteral("site/absent.pem")) +
                                        QStringLiteral(" does not exist"));

        outcome = load(QStringLiteral("[server]\ntls_certificate = \"cert.pem\"\ntls_key = %1\n")
                           .arg(tomlString(m_dir.path())));
        QVERIFY(!outcome.isOk());
        QCOMPARE(describe(outcome), configFile + QStringLiteral(":3 server.tls_key: ") +
                                        m_dir.path() +
                                        QStringLiteral(" is a directory, expected a file"));
    }

    void systemPrompt()
    {
        writeConfig(QStringLiteral("You are the support desk."), QStringLiteral("prompt.md"));
        auto outcome = loadText(QStringLiteral("[ai]\nsystem_prompt = \"Be brief.\"\n"));
        QVERIFY2(outcome.isOk(), qPrintable(outcome.error().message));
        QCOMPARE(outcome.value().systemPrompt, QStringLiteral("Be brief."));

        // Both at once is an error rather than one silently winning.
        outcome = loadText(QStringLiteral("[ai]\nsystem_prompt = \"Be brief.\"\n"
                                          "system_prompt_file = \"prompt.md\"\n"));
        QVERIFY(!outcome.isOk());
        QCOMPARE(outcome.error().fields.size(), 1);
        QVERIFY2(mentions(outcome, QStringLiteral("config.toml:3 ai.system_prompt_file: set "
                                                  "either ai.system_prompt or "
                                                  "ai.system_prompt_file, not both")),
                 qPrintable(describe(outcome)));

        outcome = loadText(QStringLiteral("[ai]\nsystem_prompt_file = \"nowhere.md\"\n"));
        QVERIFY(!outcome.isOk());
        QCOMPARE(outcome.error().fields.size(), 1);
        QVERIFY2(mentions(outcome, QStringLiteral("config.toml:2 ai.system_prompt_file: ") +
                                       m_dir.filePath(QStringLiteral("nowhere.md")) +
                                       QStringLiteral(" does not exist")),
                 qPrintable(describe(outcome)));
    }

    void secretsFromEnvironment_data()
    {
        QTest::addColumn<QString>("variable");
        QTest::addColumn<QString>("fileText");
        QTest::addColumn<QString>("fileValue");
        QTest::addColumn<QString>("envValue");
        const QString ecdsaPem =
            QStringLiteral("-----BEGIN PUBLIC KEY-----\n%1\n-----END PUBLIC KEY-----")
                .arg(QLatin1String(kEcdsaKey));
        const struct {
            const char *variable;
            const char *section;
            const char *key;
            QString fileValue;
            QString envValue;
        } rows[] = {
            {"RELAYDESK_WEBHOOK_SECRET", "channels.webhook", "secret", QStringLiteral("file"),
             QStringLiteral(" env ")},
            {"RELAYDESK_TWILIO_ACCOUNT_SID", "channels.twilio", "account_sid",
             QStringLiteral("ACfile"), QStringLiteral("ACenv")},
            {"RELAYDESK_TWILIO_AUTH_TOKEN", "channels.twilio", "auth_token", QStringLiteral("file"),
             QStringLiteral("env")},
            {"RELAYDESK_SENDGRID_API_KEY", "channels.sendgrid", "api_key",
             QStringLiteral("SG.file"), QStringLiteral("SG.env")},
            {"RELAYDESK_SENDGRID_EVENT_PUBLIC_KEY", "channels.sendgrid", "event_public_key",
             QLatin1String(kEcdsaKey), ecdsaPem},
            {"RELAYDESK_TELEGRAM_BOT_TOKEN", "channels.telegram", "bot_token",
             QStringLiteral("1:file"), QStringLiteral("2:env")},
            {"RELAYDESK_TELEGRAM_WEBHOOK_SECRET", "channels.telegram", "webhook_secret",
             QStringLiteral("file_secret"), QStringLiteral("env-secret")},
            {"RELAYDESK_DISCORD_BOT_TOKEN", "channels.discord", "bot_token", QStringLiteral("file"),
             QStringLiteral("env")},
            {"RELAYDESK_DISCORD_PUBLIC_KEY", "channels.discord", "public_key",
             QLatin1String(kEd25519Key), QString(64, QLatin1Char('a'))},
            {"RELAYDESK_TWITTER_BEARER_TOKEN", "channels.twitter", "bearer_token",
             QStringLiteral("file"), QStringLiteral("env")},
            {"ANTHROPIC_API_KEY", "ai.anthropic", "api_key", QStringLiteral("sk-ant-file"),
             QStringLiteral("sk-ant-env")},
            {"OPENAI_API_KEY", "ai.openai", "api_key", QStringLiteral("sk-file"),
             QStringLiteral("sk-env")},
        };
        for (const auto &row : rows)
            QTest::newRow(row.variable)
                << QString(QLatin1String(row.variable))
                << QStringLiteral("[%1]\n%2 = %3\n")
                       .arg(QLatin1String(row.section), QLatin1String(row.key),
                            tomlString(row.fileValue))
                << row.fileValue << row.envValue;
    }

    void secretsFromEnvironment()
    {
        QFETCH(QString, variable);
        QFETCH(QString, fileText);
        QFETCH(QString, fileValue);
        QFETCH(QString, envValue);
        const QString file = writeConfig(fileText);

        auto outcome = SettingsLoader::load({file, {}, {}});
        QVERIFY2(outcome.isOk(), qPrintable(outcome.error().message));
        QCOMPARE(secretField(outcome.value(), variable), fileValue);

        // The environment overrides the file, verbatim; an empty variable counts as unset.
        outcome = SettingsLoader::load({file, {}, environment({{variable, envValue}})});
        QVERIFY2(outcome.isOk(), qPrintable(outcome.error().message));
        QCOMPARE(secretField(outcome.value(), variable), envValue);
        outcome = SettingsLoader::load({file, {}, environment({{variable, QString()}})});
        QVERIFY2(outcome.isOk(), qPrintable(outcome.error().message));
        QCOMPARE(secretField(outcome.value(), variable), fileValue);
        outcome = SettingsLoader::load({{}, {}, environment({{variable, envValue}})});
        QVERIFY2(outcome.isOk(), qPrintable(outcome.error().message));
        QCOMPARE(secretField(outcome.value(), variable), envValue);
    }

    void badSecretsInEnvironment_data()
    {
        QTest::addColumn<QString>("variable");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("expected");
        QTest::newRow("telegram secret")
            << QStringLiteral("RELAYDESK_TELEGRAM_WEBHOOK_SECRET") << QStringLiteral("hunter 2!")
            << QStringLiteral("environment RELAYDESK_TELEGRAM_WEBHOOK_SECRET: expected 1 to 256 "
                              "letters, digits, '_' or '-'");
        QTest::newRow("discord key")
            << QStringLiteral("RELAYDESK_DISCORD_PUBLIC_KEY") << QStringLiteral("hunter2")
            << QStringLiteral("environment RELAYDESK_DISCORD_PUBLIC_KEY: expected the 64 hex "
                              "digits");
        QTest::newRow("sendgrid key")
            << QStringLiteral("RELAYDESK_SENDGRID_EVENT_PUBLIC_KEY") << QStringLiteral("%hunter2%")
            << QStringLiteral("environment RELAYDESK_SENDGRID_EVENT_PUBLIC_KEY: expected a base64 "
                              "DER or PEM public key");
        QTest::newRow("header injection")
            << QStringLiteral("ANTHROPIC_API_KEY") << QStringLiteral("sk-ant\r\nX-Hunter2: 1")
            << QStringLiteral("environment ANTHROPIC_API_KEY: must not contain control characters");
        QTest::newRow("bot token line break")
            << QStringLiteral("RELAYDESK_TELEGRAM_BOT_TOKEN") << QStringLiteral("1:hunter2\n")
            << QStringLiteral("environment RELAYDESK_TELEGRAM_BOT_TOKEN: must not contain control "
                              "characters");
    }

    void badSecretsInEnvironment()
    {
        QFETCH(QString, variable);
        QFETCH(QString, value);
        QFETCH(QString, expected);
        const auto outcome = SettingsLoader::load({{}, {}, environment({{variable, value}})});
        QVERIFY(!outcome.isOk());
        QCOMPARE(outcome.error().fields.size(), 1);
        QVERIFY2(mentions(outcome, expected), qPrintable(describe(outcome)));
        // Error messages end up in logs; secrets must not.
        QVERIFY2(!outcome.error().message.contains(QStringLiteral("unter2"), Qt::CaseInsensitive),
                 qPrintable(outcome.error().message));
    }

    void enabledChannelsNeedSecrets()
    {
        const QString file = writeConfig(QStringLiteral("[channels.twilio]\n"
                                                        "enabled = true\n"
                                                        "[channels.sendgrid]\n"
                                                        "enabled = true\n"
                                                        "[channels.telegram]\n"
                                                        "enabled = true\n"
                                                        "[channels.discord]\n"
                                                        "enabled = true\n"
                                                        "[channels.twitter]\n"
                                                        "enabled = true\n"));
        auto outcome = SettingsLoader::load({file, {}, {}});
        QVERIFY(!outcome.isOk());
        const QStringList expected = {
            QStringLiteral(":2 channels.twilio.enabled: the twilio channel is enabled but has no "
                           "account_sid; set [channels.twilio] account_sid or "
                           "RELAYDESK_TWILIO_ACCOUNT_SID"),
            QStringLiteral(":2 channels.twilio.enabled: the twilio channel is enabled but has no "
                           "auth_token; set [channels.twilio] auth_token or "
                           "RELAYDESK_TWILIO_AUTH_TOKEN"),
            QStringLiteral(":2 channels.twilio.enabled: the twilio channel is enabled but has no "
                           "from; set [channels.twilio] from"),
            QStringLiteral(":4 channels.sendgrid.enabled: the sendgrid channel is enabled but has "
                           "no api_key; set [channels.sendgrid] api_key or "
                           "RELAYDESK_SENDGRID_API_KEY"),
            QStringLiteral(":4 channels.sendgrid.enabled: the sendgrid channel is enabled but has "
                           "no from; set [channels.sendgrid] from"),
            QStringLiteral(":6 channels.telegram.enabled: the telegram channel is enabled but has "
                           "no bot_token; set [channels.telegram] bot_token or "
                           "RELAYDESK_TELEGRAM_BOT_TOKEN"),
            QStringLiteral(":8 channels.discord.enabled: the discord channel is enabled but has "
                           "no bot_token; set [channels.discord] bot_token or "
                           "RELAYDESK_DISCORD_BOT_TOKEN"),
            QStringLiteral(":10 channels.twitter.enabled: the twitter channel is enabled but has "
                           "no bearer_token; set [channels.twitter] bearer_token or "
                           "RELAYDESK_TWITTER_BEARER_TOKEN"),
        };
        const auto &fields = outcome.error().fields;
        QCOMPARE(fields.size(), expected.size());
        for (qsizetype i = 0; i < expected.size(); ++i)
            QCOMPARE(fields[i].field + QStringLiteral(": ") + fields[i].message,
                     file + expected[i]);

        // Secrets from the environment and the rest from the file satisfy every channel.
        const QString complete = writeConfig(QStringLiteral("[channels.twilio]\n"
                                                            "enabled = true\n"
                                                            "from = \"+15550001111\"\n"
                                                            "[channels.sendgrid]\n"
                                                            "enabled = true\n"
                                                            "from = \"desk@example.com\"\n"
                                                            "[channels.telegram]\n"
                                                            "enabled = true\n"
                                                            "[channels.discord]\n"
                                                            "enabled = true\n"
                                                            "[channels.twitter]\n"
                                                            "enabled = true\n"),
                                             QStringLiteral("complete.toml"));
        outcome = SettingsLoader::load(
            {complete,
             {},
             environment(
                 {{QStringLiteral("RELAYDESK_TWILIO_ACCOUNT_SID"), QStringLiteral("AC1")},
                  {QStringLiteral("RELAYDESK_TWILIO_AUTH_TOKEN"), QStringLiteral("t")},
                  {QStringLiteral("RELAYDESK_SENDGRID_API_KEY"), QStringLiteral("SG.k")},
                  {QStringLiteral("RELAYDESK_TELEGRAM_BOT_TOKEN"), QStringLiteral("1:b")},
                  {QStringLiteral("RELAYDESK_DISCORD_BOT_TOKEN"), QStringLiteral("d")},
                  {QStringLiteral("RELAYDESK_TWITTER_BEARER_TOKEN"), QStringLiteral("x")}})});
        QVERIFY2(outcome.isOk(), qPrintable(outcome.error().message));
        QCOMPARE(outcome.value().twilio.authToken, QStringLiteral("t"));
        QCOMPARE(outcome.value().twitter.bearerToken, QStringLiteral("x"));

        // A disabled channel needs nothing; a rejected secret is not reported again as missing.
        outcome = SettingsLoader::load(
            {writeConfig(QStringLiteral("[channels.telegram]\nenabled = true\n"
                                        "[channels.twilio]\nenabled = false\n")),
             {},
             environment(
                 {{QStringLiteral("RELAYDESK_TELEGRAM_BOT_TOKEN"), QStringLiteral("1:b\n")}})});
        QVERIFY(!outcome.isOk());
        QCOMPARE(outcome.error().fields.size(), 1);
        QCOMPARE(outcome.error().fields[0].field,
                 QStringLiteral("environment RELAYDESK_TELEGRAM_BOT_TOKEN"));
    }

    void chainNeedsApiKeys()
    {
        const QString file = writeConfig(
            QStringLiteral("[ai]\nchain = [\"anthropic\", \"openai\", \"local\", \"offline\"]\n"));
        auto outcome = SettingsLoader::load({file, {}, {}});
        QVERIFY(!outcome.isOk());
        QCOMPARE(describe(outcome),
                 file +
                     QStringLiteral(":2 ai.chain: the chain includes anthropic, which has no API "
                                    "key; set [ai.anthropic] api_key or ANTHROPIC_API_KEY\n") +
                     file +
                     QStringLiteral(":2 ai.chain: the chain includes openai, which has no API key; "
                                    "set [ai.openai] api_key or OPENAI_API_KEY"));

        // local needs no key; the others take theirs from the environment.
        outcome = SettingsLoader::load(
            {file,
             {},
             environment({{QStringLiteral("ANTHROPIC_API_KEY"), QStringLiteral("sk-ant")},
                          {QStringLiteral("OPENAI_API_KEY"), QStringLiteral("sk-oai")}})});
        QVERIFY2(outcome.isOk(), qPrintable(outcome.error().message));
        QCOMPARE(outcome.value().anthropic.apiKey, QStringLiteral("sk-ant"));
        QCOMPARE(outcome.value().openai.apiKey, QStringLiteral("sk-oai"));

        outcome = loadText(QStringLiteral("[ai]\nchain = [\"local\"]\n"));
        QVERIFY2(outcome.isOk(), qPrintable(outcome.error().message));
        QCOMPARE(outcome.value().aiChain, QStringList{QStringLiteral("local")});
    }

    void defaultConfigLoadsCleanly()
    {
        const QString sourceDir = qEnvironmentVariable("RELAYDESK_SOURCE_DIR");
        QVERIFY2(!sourceDir.isEmpty(), "RELAYDESK_SOURCE_DIR is not set");
        const QString path = sourceDir + QStringLiteral("/resources/config/default.toml");
        QVERIFY2(QFile::exists(path), qPrintable(path));
        const auto outcome = SettingsLoader::load({{}, {{QStringLiteral("config"), path}}, {}});
        QVERIFY2(outcome.isOk(), qPrintable(outcome.error().message));

        // The example documents every default: loading it must change nothing.
        const Settings &s = outcome.value();
        const Settings d = SettingsLoader::load({}).value();
        QCOMPARE(s.configFile, path);
        QCOMPARE(s.dataDir, d.dataDir);
        QCOMPARE(s.listenHost, d.listenHost);
        QCOMPARE(s.listenPort, d.listenPort);
        QCOMPARE(s.publicUrl, d.publicUrl);
        QCOMPARE(s.threadPoolSize, d.threadPoolSize);
        QCOMPARE(s.maxBodyBytes, d.maxBodyBytes);
        QCOMPARE(s.maxHeaderBytes, d.maxHeaderBytes);
        QCOMPARE(s.idleTimeoutSeconds, d.idleTimeoutSeconds);
        QCOMPARE(s.databaseUrl, d.databaseUrl);
        QCOMPARE(s.maxConnections, d.maxConnections);
        QCOMPARE(s.queueSize, d.queueSize);
        QCOMPARE(s.retryAttempts, d.retryAttempts);
        QCOMPARE(s.leaseSeconds, d.leaseSeconds);
        QCOMPARE(s.workers, d.workers);
        QCOMPARE(s.retryBaseMs, d.retryBaseMs);
        QCOMPARE(s.retryMaxMs, d.retryMaxMs);
        QCOMPARE(s.batchMaxWrites, d.batchMaxWrites);
        QCOMPARE(s.batchWindowMs, d.batchWindowMs);
        QCOMPARE(s.sessionHours, d.sessionHours);
        QCOMPARE(s.metricsEnabled, d.metricsEnabled);
        QCOMPARE(s.metricsPort, d.metricsPort);
        QCOMPARE(toString(s.defaultAiMode), toString(d.defaultAiMode));
        QCOMPARE(s.offlineAnswers.size(), d.offlineAnswers.size());
        QCOMPARE(s.offlineDefaultReply, d.offlineDefaultReply);
        QCOMPARE(s.webhookEnabled, d.webhookEnabled);
        QCOMPARE(s.webhookOutboundUrl, d.webhookOutboundUrl);
        QCOMPARE(s.webhookSecret, d.webhookSecret);
        QCOMPARE(s.webhookTimeoutMs, d.webhookTimeoutMs);
        QCOMPARE(s.apiTokens, d.apiTokens);
        QCOMPARE(s.rateLimitEnabled, d.rateLimitEnabled);
        QCOMPARE(s.rateLimitRequests, d.rateLimitRequests);
        QCOMPARE(s.rateLimitPeriodSeconds, d.rateLimitPeriodSeconds);
        QCOMPARE(s.logLevel, d.logLevel);

        QCOMPARE(s.tlsCertificateFile, d.tlsCertificateFile);
        QCOMPARE(s.tlsKeyFile, d.tlsKeyFile);
        QCOMPARE(s.aiChain, d.aiChain);
        QCOMPARE(s.systemPrompt, d.systemPrompt);
        QCOMPARE(s.systemPromptFile, d.systemPromptFile);
        QCOMPARE(s.historyMessages, d.historyMessages);
        QCOMPARE(s.aiTimeoutSeconds, d.aiTimeoutSeconds);
        QCOMPARE(s.aiMaxRetries, d.aiMaxRetries);
        QCOMPARE(s.aiRateLimitPerUserPerMinute, d.aiRateLimitPerUserPerMinute);
        for (const auto &[actual, expected] :
             {std::pair{&s.anthropic, &d.anthropic}, std::pair{&s.openai, &d.openai},
              std::pair{&s.local, &d.local}}) {
            QCOMPARE(actual->apiKey, expected->apiKey);
            QCOMPARE(actual->baseUrl, expected->baseUrl);
            QCOMPARE(actual->model, expected->model);
            QCOMPARE(actual->maxTokens, expected->maxTokens);
        }
        QCOMPARE(s.modelPrices.size(), d.modelPrices.size());
        QCOMPARE(s.breakerFailureThreshold, d.breakerFailureThreshold);
        QCOMPARE(s.breakerCooldownSeconds, d.breakerCooldownSeconds);
        QCOMPARE(s.blockedTerms, d.blockedTerms);
        QCOMPARE(s.blockedPatterns, d.blockedPatterns);
        QCOMPARE(s.detectPii, d.detectPii);
        QCOMPARE(s.webhookSourceSecrets, d.webhookSourceSecrets);
        QCOMPARE(s.webhookToleranceSeconds, d.webhookToleranceSeconds);
        QCOMPARE(s.twilio.enabled, d.twilio.enabled);
        QCOMPARE(s.twilio.accountSid, d.twilio.accountSid);
        QCOMPARE(s.twilio.authToken, d.twilio.authToken);
        QCOMPARE(s.twilio.from, d.twilio.from);
        QCOMPARE(s.twilio.baseUrl, d.twilio.baseUrl);
        QCOMPARE(s.sendgrid.enabled, d.sendgrid.enabled);
        QCOMPARE(s.sendgrid.apiKey, d.sendgrid.apiKey);
        QCOMPARE(s.sendgrid.from, d.sendgrid.from);
        QCOMPARE(s.sendgrid.eventPublicKey, d.sendgrid.eventPublicKey);
        QCOMPARE(s.sendgrid.baseUrl, d.sendgrid.baseUrl);
        QCOMPARE(s.telegram.enabled, d.telegram.enabled);
        QCOMPARE(s.telegram.botToken, d.telegram.botToken);
        QCOMPARE(s.telegram.mode, d.telegram.mode);
        QCOMPARE(s.telegram.webhookSecret, d.telegram.webhookSecret);
        QCOMPARE(s.telegram.baseUrl, d.telegram.baseUrl);
        QCOMPARE(s.discord.enabled, d.discord.enabled);
        QCOMPARE(s.discord.botToken, d.discord.botToken);
        QCOMPARE(s.discord.applicationId, d.discord.applicationId);
        QCOMPARE(s.discord.publicKey, d.discord.publicKey);
        QCOMPARE(s.discord.channelIds, d.discord.channelIds);
        QCOMPARE(s.discord.baseUrl, d.discord.baseUrl);
        QCOMPARE(s.discord.gatewayUrl, d.discord.gatewayUrl);
        QCOMPARE(s.twitter.enabled, d.twitter.enabled);
        QCOMPARE(s.twitter.bearerToken, d.twitter.bearerToken);
        QCOMPARE(s.twitter.pollIntervalSeconds, d.twitter.pollIntervalSeconds);
        QCOMPARE(s.twitter.baseUrl, d.twitter.baseUrl);
    }

    // Every key the loader knows appears in default.toml, so the example stays complete.
    void defaultConfigShowsEveryKey()
    {
        const QString path = qEnvironmentVariable("RELAYDESK_SOURCE_DIR") +
                             QStringLiteral("/resources/config/default.toml");
        QFile file(path);
        QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(path));
        const QString text = QString::fromUtf8(file.readAll());
        static const QRegularExpression sectionLine(QStringLiteral("^  \\[([a-z_.]+)\\]"));
        static const QRegularExpression keyLine(QStringLiteral("^    ([a-z_]+) "));
        QString section;
        int keys = 0;
        for (const QString &line : SettingsLoader::helpText().split(QLatin1Char('\n'))) {
            if (const auto match = sectionLine.match(line); match.hasMatch()) {
                section = match.captured(1);
                QVERIFY2(text.contains(QLatin1Char('[') + section + QLatin1Char(']')),
                         qPrintable(section));
            } else if (const auto match = keyLine.match(line); match.hasMatch()) {
                const QString name = match.captured(1);
                ++keys;
                // Keys that hold tables or arrays of tables appear as commented examples.
                QVERIFY2(text.contains(QLatin1Char('\n') + name + QStringLiteral(" = ")) ||
                             text.contains(QLatin1Char('[') + section + QLatin1Char('.') + name),
                         qPrintable(section + QLatin1Char('.') + name));
            }
        }
        QVERIFY2(keys > 80, qPrintable(QString::number(keys)));
    }

    void helpTextListsEverything()
    {
        const QString help = SettingsLoader::helpText();
        for (const char *name : {"DATABASE_URL",
                                 "PORT",
                                 "RELAYDESK_CONFIG",
                                 "RELAYDESK_API_TOKEN",
                                 "RELAYDESK_LOG",
                                 "RELAYDESK_DATA_DIR",
                                 "RATE_LIMIT_ENABLED",
                                 "RATE_LIMIT_REQUESTS",
                                 "RATE_LIMIT_PERIOD",
                                 "RELAYDESK_WEBHOOK_SECRET",
                                 "RELAYDESK_WEBHOOK_OUTBOUND_URL",
                                 "RELAYDESK_TWILIO_ACCOUNT_SID",
                                 "RELAYDESK_TWILIO_AUTH_TOKEN",
                                 "RELAYDESK_SENDGRID_API_KEY",
                                 "RELAYDESK_SENDGRID_EVENT_PUBLIC_KEY",
                                 "RELAYDESK_TELEGRAM_BOT_TOKEN",
                                 "RELAYDESK_TELEGRAM_WEBHOOK_SECRET",
                                 "RELAYDESK_DISCORD_BOT_TOKEN",
                                 "RELAYDESK_DISCORD_PUBLIC_KEY",
                                 "RELAYDESK_TWITTER_BEARER_TOKEN",
                                 "ANTHROPIC_API_KEY",
                                 "OPENAI_API_KEY",
                                 "[ai.anthropic]",
                                 "[ai.openai]",
                                 "[ai.local]",
                                 "[ai.breaker]",
                                 "[ai.moderation]",
                                 "[ai.prices.\"<model>\"]",
                                 "[channels.webhook.sources.<source>] secret",
                                 "[channels.twilio]",
                                 "[channels.sendgrid]",
                                 "[channels.telegram]",
                                 "[channels.discord]",
                                 "[channels.twitter]",
                                 "tls_certificate",
                                 "tls_key",
                                 "chain",
                                 "system_prompt ",
                                 "system_prompt_file",
                                 "history_messages",
                                 "timeout_s",
                                 "max_retries",
                                 "rate_limit_per_user",
                                 "input_per_mtok",
                                 "output_per_mtok",
                                 "api_key",
                                 "base_url",
                                 "model",
                                 "max_tokens",
                                 "failure_threshold",
                                 "cooldown_s",
                                 "blocked_terms",
                                 "blocked_patterns",
                                 "detect_pii",
                                 "tolerance_s",
                                 "account_sid",
                                 "auth_token",
                                 "from ",
                                 "event_public_key",
                                 "bot_token",
                                 "mode ",
                                 "webhook_secret",
                                 "application_id",
                                 "public_key",
                                 "channel_ids",
                                 "gateway_url",
                                 "bearer_token",
                                 "poll_interval_s",
                                 "[server]",
                                 "[database]",
                                 "[queue]",
                                 "[storage]",
                                 "[conversation]",
                                 "[metrics]",
                                 "[ai]",
                                 "[ai.offline]",
                                 "[channels.webhook]",
                                 "[api]",
                                 "[rate_limit]",
                                 "[log]",
                                 "thread_pool_size",
                                 "max_body_bytes",
                                 "retry_max_ms",
                                 "batch_window_ms",
                                 "session_hours",
                                 "default_mode",
                                 "default_reply",
                                 "answers",
                                 "outbound_url",
                                 "timeout_ms",
                                 "tokens"})
            QVERIFY2(help.contains(QLatin1String(name)), name);
        QVERIFY(help.contains(QStringLiteral("(default: 3030)")));
        // Every line fits a terminal so --help stays readable.
        for (const QString &line : help.split(QLatin1Char('\n')))
            QVERIFY2(line.size() <= 130, qPrintable(line));
    }
};

QTEST_GUILESS_MAIN(TestSettingsLoader)
#include "tst_settingsloader.moc"
