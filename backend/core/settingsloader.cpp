#include "core/settingsloader.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QRegularExpression>
#include <QSet>
#include <QStandardPaths>
#include <QUrl>

#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <tuple>
#include <type_traits>
#include <utility>

namespace relaydesk {
namespace {

constexpr qint64 kIntMax = std::numeric_limits<int>::max();
constexpr qint64 kInt64Max = std::numeric_limits<qint64>::max();

QString fromStd(std::string_view text)
{
    return QString::fromUtf8(text.data(), qsizetype(text.size()));
}

QString quoted(const QString &text)
{
    QString escaped = text;
    escaped.replace(QLatin1String("\\"), QLatin1String("\\\\"));
    escaped.replace(QLatin1String("\""), QLatin1String("\\\""));
    return QLatin1Char('"') + escaped + QLatin1Char('"');
}

// ---- value checks shared by the config file, the environment and the command line -----------
// Each returns the reason a value is unacceptable, or an empty string when it is fine.

QString checkHost(const QString &host)
{
    if (host.isEmpty())
        return QStringLiteral("expected a host name or IP address, got an empty string");
    if (std::any_of(host.cbegin(), host.cend(), [](QChar c) { return c.isSpace(); }) ||
        host.contains(QLatin1Char('/')))
        return QStringLiteral("expected a host name or IP address, got %1").arg(quoted(host));
    return {};
}

QString checkDatabaseUrl(const QString &url)
{
    static const QLatin1String kSchemes[] = {
        QLatin1String("sqlite://"), QLatin1String("postgresql://"), QLatin1String("postgres://")};
    for (const QLatin1String scheme : kSchemes) {
        if (!url.startsWith(scheme, Qt::CaseInsensitive))
            continue;
        if (url.size() == scheme.size())
            return QStringLiteral("%1 needs a location after the scheme, e.g. "
                                  "sqlite:///var/lib/relaydesk/relaydesk.db")
                .arg(quoted(url));
        if (!QUrl(url, QUrl::TolerantMode).isValid())
            return QStringLiteral("%1 is not a valid URL").arg(quoted(url));
        return {};
    }
    return QStringLiteral("expected a URL starting with sqlite://, postgresql:// or postgres://, "
                          "got %1")
        .arg(quoted(url));
}

// Empty is accepted: these URLs are optional and only required by the features that use them.
QString checkHttpUrl(const QString &url)
{
    if (url.isEmpty())
        return {};
    const QUrl parsed(url, QUrl::StrictMode);
    const QString scheme = parsed.scheme();
    if (!parsed.isValid() ||
        (scheme != QLatin1String("http") && scheme != QLatin1String("https")) ||
        parsed.host().isEmpty())
        return QStringLiteral("expected an http:// or https:// URL, got %1").arg(quoted(url));
    return {};
}

// The config file may spell out the default: an empty url selects <data dir>/relaydesk.db.
QString checkOptionalDatabaseUrl(const QString &url)
{
    return url.isEmpty() ? QString() : checkDatabaseUrl(url);
}

QString checkNonEmpty(const QString &text)
{
    if (text.trimmed().isEmpty())
        return QStringLiteral("must not be empty");
    return {};
}

QString checkAnything(const QString &)
{
    return {};
}

// Base URLs have working defaults; an empty one would only fail later, at the first request.
QString checkRequiredHttpUrl(const QString &url)
{
    if (url.isEmpty())
        return QStringLiteral("expected an http:// or https:// URL, got an empty string");
    return checkHttpUrl(url);
}

QString checkWebSocketUrl(const QString &url)
{
    const QUrl parsed(url, QUrl::StrictMode);
    const QString scheme = parsed.scheme();
    if (!parsed.isValid() || (scheme != QLatin1String("ws") && scheme != QLatin1String("wss")) ||
        parsed.host().isEmpty())
        return QStringLiteral("expected a ws:// or wss:// URL, got %1").arg(quoted(url));
    return {};
}

// Secrets end up in HTTP headers and URLs, where a stray line break from a copied value would
// corrupt the request. Messages never repeat a secret's value: they end up in logs.
QString checkSecret(const QString &secret)
{
    if (std::any_of(secret.cbegin(), secret.cend(),
                    [](QChar c) { return c.category() == QChar::Other_Control; }))
        return QStringLiteral("must not contain control characters such as line breaks");
    return {};
}

QString checkEmailAddress(const QString &address)
{
    static const QRegularExpression pattern(
        QStringLiteral("^[^@\\s<>\"]+@[^@\\s<>\"]+\\.[^@\\s<>\"]+$"));
    if (address.isEmpty() || pattern.match(address).hasMatch())
        return {};
    return QStringLiteral("expected a plain e-mail address such as support@example.com, got %1")
        .arg(quoted(address));
}

// Telegram's secret_token header allows only these characters and lengths.
QString checkTelegramSecret(const QString &secret)
{
    static const QRegularExpression pattern(QStringLiteral("^[A-Za-z0-9_-]{1,256}$"));
    if (secret.isEmpty() || pattern.match(secret).hasMatch())
        return {};
    return QStringLiteral("expected 1 to 256 letters, digits, '_' or '-' (Telegram's rule for "
                          "secret_token)");
}

QString checkSnowflake(const QString &id)
{
    static const QRegularExpression pattern(QStringLiteral("^[0-9]{1,20}$"));
    if (id.isEmpty() || pattern.match(id).hasMatch())
        return {};
    return QStringLiteral("expected a Discord id of digits only, got %1").arg(quoted(id));
}

QString checkRequiredSnowflake(const QString &id)
{
    if (id.isEmpty())
        return QStringLiteral("expected a Discord id of digits only, got an empty string");
    return checkSnowflake(id);
}

QString checkEd25519PublicKey(const QString &key)
{
    static const QRegularExpression pattern(QStringLiteral("^[0-9A-Fa-f]{64}$"));
    if (key.isEmpty() || pattern.match(key).hasMatch())
        return {};
    // Not quoted back: a secret pasted into the wrong key would end up in the log.
    if (key.size() != 64)
        return QStringLiteral("expected the 64 hex digits of an Ed25519 public key, got %1 "
                              "characters")
            .arg(key.size());
    return QStringLiteral("expected the 64 hex digits of an Ed25519 public key, got other "
                          "characters too");
}

// SendGrid shows the verification key as bare base64 DER; PEM is what people paste from files.
QString checkEcdsaPublicKey(const QString &key)
{
    if (key.isEmpty())
        return {};
    static const QLatin1String kBegin("-----BEGIN PUBLIC KEY-----");
    static const QLatin1String kEnd("-----END PUBLIC KEY-----");
    QString body = key.trimmed();
    if (body.startsWith(kBegin)) {
        const qsizetype end = body.indexOf(kEnd);
        if (end < 0)
            return QStringLiteral("the PEM key has no %1 line").arg(kEnd);
        body = body.mid(kBegin.size(), end - kBegin.size());
    }
    body.remove(QRegularExpression(QStringLiteral("\\s")));
    const bool latin1 =
        std::all_of(body.cbegin(), body.cend(), [](QChar c) { return c.unicode() < 128; });
    const auto decoded =
        QByteArray::fromBase64Encoding(body.toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
    if (!latin1 || !decoded || decoded.decoded.isEmpty())
        return QStringLiteral("expected a base64 DER or PEM public key (SendGrid's \"Verification "
                              "Key\"), got text that is not base64");
    return {};
}

QString checkModerationProvider(const QString &name)
{
    if (name.isEmpty() || name == QLatin1String("openai"))
        return {};
    return QStringLiteral("expected \"openai\" or an empty string, got %1").arg(quoted(name));
}

QString checkRegularExpression(const QString &pattern)
{
    const QRegularExpression expression(pattern);
    if (expression.isValid())
        return {};
    return QStringLiteral("invalid regular expression %1: %2 at offset %3")
        .arg(quoted(pattern), expression.errorString())
        .arg(expression.patternErrorOffset());
}

// Source names are kept to characters that need no escaping in URLs, log fields and metric labels.
bool isSourceName(const QString &name)
{
    static const QRegularExpression pattern(QStringLiteral("^[A-Za-z0-9_-]{1,64}$"));
    return pattern.match(name).hasMatch();
}

constexpr const char *kProviders[] = {"anthropic", "openai", "local", "offline"};

QString checkProvider(const QString &name)
{
    for (const char *provider : kProviders) {
        if (name.compare(QLatin1String(provider), Qt::CaseInsensitive) == 0)
            return {};
    }
    QStringList names;
    for (const char *provider : kProviders)
        names.append(QLatin1String(provider));
    return QStringLiteral("expected one of %1, got %2")
        .arg(names.join(QLatin1String(", ")), quoted(name));
}

struct LogLevelName {
    const char *spelling;
    const char *level;
};

// Seed 000 used RUST_LOG spellings, seed 001 Python's; both keep working.
constexpr LogLevelName kLogLevels[] = {
    {"debug", "debug"},       {"info", "info"},   {"warning", "warning"}, {"error", "error"},
    {"critical", "critical"}, {"trace", "debug"}, {"warn", "warning"},    {"fatal", "critical"},
};

std::optional<QString> normalizeLogLevel(const QString &text)
{
    const QString wanted = text.trimmed();
    for (const LogLevelName &name : kLogLevels) {
        if (wanted.compare(QLatin1String(name.spelling), Qt::CaseInsensitive) == 0)
            return QString(QLatin1String(name.level));
    }
    return std::nullopt;
}

QString logLevelReason(const QString &text)
{
    return QStringLiteral("expected one of %1, got %2")
        .arg(SettingsLoader::logLevels().join(QLatin1String(", ")), quoted(text));
}

QString integerRangeText(qint64 min, qint64 max)
{
    if (max == kIntMax || max == kInt64Max) {
        if (min == 1)
            return QStringLiteral("a positive integer");
        if (min == 0)
            return QStringLiteral("a non-negative integer");
        return QStringLiteral("an integer of at least %1").arg(min);
    }
    return QStringLiteral("an integer between %1 and %2").arg(min).arg(max);
}

// Parses the text form used by environment variables and command-line options.
std::optional<qint64> parseInteger(const QString &text, qint64 min, qint64 max, QString *reason)
{
    bool ok = false;
    const qint64 value = text.trimmed().toLongLong(&ok);
    if (!ok || value < min || value > max) {
        *reason =
            QStringLiteral("expected %1, got %2").arg(integerRangeText(min, max), quoted(text));
        return std::nullopt;
    }
    return value;
}

std::optional<bool> parseBool(const QString &text)
{
    const QString value = text.trimmed().toLower();
    if (value == QLatin1String("1") || value == QLatin1String("true") ||
        value == QLatin1String("yes") || value == QLatin1String("on"))
        return true;
    if (value == QLatin1String("0") || value == QLatin1String("false") ||
        value == QLatin1String("no") || value == QLatin1String("off"))
        return false;
    return std::nullopt;
}

// ---- config file ----------------------------------------------------------------------------

struct Located {
    toml::source_index line;
    FieldError error;
};

// Where the value of each config key came from, so checks that involve several keys can point
// at the source the user has to edit; and which keys were rejected, so a key that is already
// reported is not reported again as missing.
struct Origins {
    QHash<QString, QString> where;
    QSet<QString> rejected;
};

struct TomlContext {
    QString file;
    QList<Located> *problems;
    Origins *origins;

    QString where(const toml::source_region &region, const QString &key) const
    {
        return QStringLiteral("%1:%2 %3").arg(file, QString::number(region.begin.line), key);
    }
    void fail(const toml::source_region &region, const QString &key, const QString &reason) const
    {
        problems->append({region.begin.line, {where(region, key), reason}});
        origins->rejected.insert(key);
    }
};

QString typeName(const toml::node &node)
{
    switch (node.type()) {
    case toml::node_type::string:
        return QStringLiteral("a string");
    case toml::node_type::integer:
        return QStringLiteral("an integer");
    case toml::node_type::floating_point:
        return QStringLiteral("a floating-point number");
    case toml::node_type::boolean:
        return QStringLiteral("a boolean");
    case toml::node_type::date:
        return QStringLiteral("a date");
    case toml::node_type::time:
        return QStringLiteral("a time");
    case toml::node_type::date_time:
        return QStringLiteral("a date-time");
    case toml::node_type::array:
        return QStringLiteral("an array");
    case toml::node_type::table:
        return QStringLiteral("a table");
    case toml::node_type::none:
        break;
    }
    return QStringLiteral("nothing");
}

std::optional<qint64> readInteger(const TomlContext &ctx, const toml::node &node,
                                  const QString &key, qint64 min, qint64 max)
{
    const auto *integer = node.as_integer();
    if (!integer) {
        ctx.fail(
            node.source(), key,
            QStringLiteral("expected %1, got %2").arg(integerRangeText(min, max), typeName(node)));
        return std::nullopt;
    }
    const qint64 value = integer->get();
    if (value < min || value > max) {
        ctx.fail(node.source(), key,
                 QStringLiteral("expected %1, got %2")
                     .arg(integerRangeText(min, max), QString::number(value)));
        return std::nullopt;
    }
    return value;
}

std::optional<QString> readString(const TomlContext &ctx, const toml::node &node,
                                  const QString &key, QString (*check)(const QString &))
{
    const auto *string = node.as_string();
    if (!string) {
        ctx.fail(node.source(), key,
                 QStringLiteral("expected a string, got %1").arg(typeName(node)));
        return std::nullopt;
    }
    const QString value = fromStd(string->get());
    if (const QString reason = check(value); !reason.isEmpty()) {
        ctx.fail(node.source(), key, reason);
        return std::nullopt;
    }
    return value;
}

struct ArrayRules {
    bool allowEmptyArray = true;
    // Regular expressions keep their spaces: " x" and "x" match different text.
    bool keepSpaces = false;
    QString (*check)(const QString &) = checkAnything;
};

// Elements must be non-empty strings that pass rules.check; each bad element is reported at
// its own index and line.
std::optional<QStringList> readStringArray(const TomlContext &ctx, const toml::node &node,
                                           const QString &key, const ArrayRules &rules)
{
    const auto *array = node.as_array();
    if (!array) {
        ctx.fail(node.source(), key,
                 QStringLiteral("expected an array of strings, got %1").arg(typeName(node)));
        return std::nullopt;
    }
    QStringList values;
    bool ok = true;
    int index = 0;
    for (const toml::node &element : *array) {
        const QString elementKey =
            key % QLatin1Char('[') % QString::number(index++) % QLatin1Char(']');
        const auto *string = element.as_string();
        if (!string) {
            ctx.fail(element.source(), elementKey,
                     QStringLiteral("expected a string, got %1").arg(typeName(element)));
            ok = false;
            continue;
        }
        const QString raw = fromStd(string->get());
        const QString value = rules.keepSpaces ? raw : raw.trimmed();
        if (value.trimmed().isEmpty()) {
            ctx.fail(element.source(), elementKey, QStringLiteral("must not be empty"));
            ok = false;
            continue;
        }
        if (const QString reason = rules.check(value); !reason.isEmpty()) {
            ctx.fail(element.source(), elementKey, reason);
            ok = false;
            continue;
        }
        values.append(value);
    }
    if (ok && values.isEmpty() && !rules.allowEmptyArray) {
        ctx.fail(node.source(), key, QStringLiteral("expected at least one string"));
        return std::nullopt;
    }
    if (!ok)
        return std::nullopt;
    return values;
}

// Accepts integers too: "input_per_mtok = 3" is as much a price as 3.0.
std::optional<double> readNonNegativeNumber(const TomlContext &ctx, const toml::node &node,
                                            const QString &key)
{
    double value = 0;
    if (const auto *integer = node.as_integer())
        value = double(integer->get());
    else if (const auto *floating = node.as_floating_point())
        value = floating->get();
    else {
        ctx.fail(node.source(), key,
                 QStringLiteral("expected a non-negative number, got %1").arg(typeName(node)));
        return std::nullopt;
    }
    if (!std::isfinite(value) || value < 0) {
        ctx.fail(node.source(), key,
                 QStringLiteral("expected a non-negative number, got %1").arg(value));
        return std::nullopt;
    }
    return value;
}

using Apply = void (*)(const TomlContext &, const toml::node &, const QString &, Settings &);
using Show = QString (*)(const Settings &);

// Channel and provider values live in nested structs, so a key names its field by the chain of
// members leading to it: fieldOf<&Settings::twilio, &TwilioSettings::from>(s).
template <auto Member, auto... Rest, typename Object> auto &fieldOf(Object &object)
{
    if constexpr (sizeof...(Rest) == 0)
        return object.*Member;
    else
        return fieldOf<Rest...>(object.*Member);
}

template <qint64 Min, qint64 Max, auto... Path>
void integerKey(const TomlContext &ctx, const toml::node &node, const QString &key, Settings &s)
{
    auto &field = fieldOf<Path...>(s);
    using Field = std::remove_cvref_t<decltype(field)>;
    if (const auto value = readInteger(ctx, node, key, Min, Max))
        field = static_cast<Field>(*value);
}

template <auto... Path> QString showInteger(const Settings &s)
{
    return QString::number(fieldOf<Path...>(s));
}

template <auto... Path>
void boolKey(const TomlContext &ctx, const toml::node &node, const QString &key, Settings &s)
{
    if (const auto *value = node.as_boolean())
        fieldOf<Path...>(s) = value->get();
    else
        ctx.fail(node.source(), key,
                 QStringLiteral("expected true or false, got %1").arg(typeName(node)));
}

template <auto... Path> QString showBool(const Settings &s)
{
    return fieldOf<Path...>(s) ? QStringLiteral("true") : QStringLiteral("false");
}

template <QString (*Check)(const QString &), auto... Path>
void stringKey(const TomlContext &ctx, const toml::node &node, const QString &key, Settings &s)
{
    if (auto value = readString(ctx, node, key, Check))
        fieldOf<Path...>(s) = std::move(*value);
}

template <auto... Path> QString showString(const Settings &s)
{
    return quoted(fieldOf<Path...>(s));
}

template <QString (*Check)(const QString &), auto... Path>
void stringArrayKey(const TomlContext &ctx, const toml::node &node, const QString &key, Settings &s)
{
    if (auto values = readStringArray(ctx, node, key, {.check = Check}))
        fieldOf<Path...>(s) = std::move(*values);
}

template <auto... Path> QString showStringArray(const Settings &s)
{
    QStringList items;
    for (const QString &item : fieldOf<Path...>(s))
        items.append(quoted(item));
    return QLatin1Char('[') % items.join(QLatin1String(", ")) % QLatin1Char(']');
}

// A relative path is taken relative to the config file, not to the working directory, which
// for a service is often "/". The stored path is absolute so later readers need no context.
template <auto... Path>
void fileKey(const TomlContext &ctx, const toml::node &node, const QString &key, Settings &s)
{
    const auto text = readString(ctx, node, key, checkAnything);
    if (!text)
        return;
    if (text->isEmpty()) {
        fieldOf<Path...>(s).clear();
        return;
    }
    const QFileInfo info(QFileInfo(ctx.file).absoluteDir(), *text);
    const QString path = QDir::cleanPath(info.absoluteFilePath());
    QString reason;
    if (!info.exists()) {
        reason = QStringLiteral("%1 does not exist").arg(path);
    } else if (info.isDir()) {
        reason = QStringLiteral("%1 is a directory, expected a file").arg(path);
    } else {
        QFile probe(path);
        if (!probe.open(QIODevice::ReadOnly))
            reason = QStringLiteral("cannot read %1: %2").arg(path, probe.errorString());
    }
    if (reason.isEmpty())
        fieldOf<Path...>(s) = path;
    else
        ctx.fail(node.source(), key, reason);
}

void aiModeKey(const TomlContext &ctx, const toml::node &node, const QString &key, Settings &s)
{
    const auto text = readString(ctx, node, key, checkAnything);
    if (!text)
        return;
    if (const auto mode = parseAiMode(*text))
        s.defaultAiMode = *mode;
    else
        ctx.fail(node.source(), key,
                 QStringLiteral("expected one of %1, got %2")
                     .arg(allowedValues(aiModeNames()), quoted(*text)));
}

QString showAiMode(const Settings &s)
{
    return quoted(toString(s.defaultAiMode));
}

void logLevelKey(const TomlContext &ctx, const toml::node &node, const QString &key, Settings &s)
{
    const auto text = readString(ctx, node, key, checkAnything);
    if (!text)
        return;
    if (const auto level = normalizeLogLevel(*text))
        s.logLevel = *level;
    else
        ctx.fail(node.source(), key, logLevelReason(*text));
}

void answersKey(const TomlContext &ctx, const toml::node &node, const QString &key, Settings &s)
{
    const auto *array = node.as_array();
    if (!array) {
        ctx.fail(node.source(), key,
                 QStringLiteral("expected an array of tables ([[%1]]), got %2")
                     .arg(key, typeName(node)));
        return;
    }
    QList<CannedAnswer> answers;
    bool ok = true;
    int index = 0;
    for (const toml::node &element : *array) {
        const QString elementKey =
            key % QLatin1Char('[') % QString::number(index++) % QLatin1Char(']');
        const auto *table = element.as_table();
        if (!table) {
            ctx.fail(element.source(), elementKey,
                     QStringLiteral("expected a table with keywords and reply, got %1")
                         .arg(typeName(element)));
            ok = false;
            continue;
        }
        CannedAnswer answer;
        bool hasKeywords = false;
        bool hasReply = false;
        for (auto &&[name, value] : *table) {
            const QString field = fromStd(name.str());
            const QString fieldKey = elementKey % QLatin1Char('.') % field;
            if (field == QLatin1String("keywords")) {
                hasKeywords = true;
                if (auto keywords =
                        readStringArray(ctx, value, fieldKey, {.allowEmptyArray = false}))
                    answer.keywords = std::move(*keywords);
                else
                    ok = false;
            } else if (field == QLatin1String("reply")) {
                hasReply = true;
                if (auto reply = readString(ctx, value, fieldKey, checkNonEmpty))
                    answer.reply = std::move(*reply);
                else
                    ok = false;
            } else {
                ctx.fail(name.source(), fieldKey,
                         QStringLiteral("unknown key (an answer has keywords and reply)"));
                ok = false;
            }
        }
        if (!hasKeywords || !hasReply) {
            ctx.fail(table->source(), elementKey,
                     !hasKeywords ? QStringLiteral("missing keywords = [\"...\"]")
                                  : QStringLiteral("missing reply = \"...\""));
            ok = false;
        }
        answers.append(answer);
    }
    if (ok)
        s.offlineAnswers = answers;
}

void chainKey(const TomlContext &ctx, const toml::node &node, const QString &key, Settings &s)
{
    const auto names =
        readStringArray(ctx, node, key, {.allowEmptyArray = false, .check = checkProvider});
    if (!names)
        return;
    QStringList chain;
    bool ok = true;
    // readStringArray accepted every element, so the array and its strings are there.
    const toml::array &array = *node.as_array();
    for (qsizetype index = 0; index < names->size(); ++index) {
        const QString name = names->at(index).toLower();
        if (chain.contains(name)) {
            ctx.fail(array[size_t(index)].source(),
                     key % QLatin1Char('[') % QString::number(index) % QLatin1Char(']'),
                     QStringLiteral("%1 is already in the chain; each provider is tried once")
                         .arg(quoted(name)));
            ok = false;
            continue;
        }
        chain.append(name);
    }
    if (ok)
        s.aiChain = chain;
}

void blockedPatternsKey(const TomlContext &ctx, const toml::node &node, const QString &key,
                        Settings &s)
{
    if (auto patterns =
            readStringArray(ctx, node, key, {.keepSpaces = true, .check = checkRegularExpression}))
        s.blockedPatterns = std::move(*patterns);
}

void telegramModeKey(const TomlContext &ctx, const toml::node &node, const QString &key,
                     Settings &s)
{
    const auto text = readString(ctx, node, key, checkAnything);
    if (!text)
        return;
    const QString mode = text->trimmed().toLower();
    if (mode == QLatin1String("webhook") || mode == QLatin1String("poll"))
        s.telegram.mode = mode;
    else
        ctx.fail(node.source(), key,
                 QStringLiteral("expected \"webhook\" or \"poll\", got %1").arg(quoted(*text)));
}

// Table keys are shown as TOML would need them written: bare when possible, else quoted.
QString tomlKey(const QString &name)
{
    return isSourceName(name) ? name : quoted(name);
}

void sourcesKey(const TomlContext &ctx, const toml::node &node, const QString &key, Settings &s)
{
    const auto *table = node.as_table();
    if (!table) {
        ctx.fail(node.source(), key,
                 QStringLiteral("expected tables [%1.<source>] with secret = \"...\", got %2")
                     .arg(key, typeName(node)));
        return;
    }
    QMap<QString, QString> secrets;
    bool ok = true;
    for (auto &&[name, value] : *table) {
        const QString source = fromStd(name.str());
        const QString sourceKey = key % QLatin1Char('.') % tomlKey(source);
        if (!isSourceName(source)) {
            ctx.fail(name.source(), sourceKey,
                     QStringLiteral("a source name is 1 to 64 letters, digits, '_' or '-', got %1")
                         .arg(quoted(source)));
            ok = false;
            continue;
        }
        const auto *entry = value.as_table();
        if (!entry) {
            ctx.fail(value.source(), sourceKey,
                     QStringLiteral("expected a table with secret = \"...\", got %1")
                         .arg(typeName(value)));
            ok = false;
            continue;
        }
        bool hasSecret = false;
        for (auto &&[field, fieldValue] : *entry) {
            const QString fieldName = fromStd(field.str());
            const QString fieldKey = sourceKey % QLatin1Char('.') % fieldName;
            if (fieldName != QLatin1String("secret")) {
                ctx.fail(field.source(), fieldKey,
                         QStringLiteral("unknown key (known here: secret)"));
                ok = false;
                continue;
            }
            hasSecret = true;
            const auto secret = readString(ctx, fieldValue, fieldKey, checkSecret);
            if (secret && secret->isEmpty()) {
                ctx.fail(fieldValue.source(), fieldKey,
                         QStringLiteral("must not be empty: unsigned requests would be accepted"));
                ok = false;
            } else if (secret) {
                secrets.insert(source, *secret);
            } else {
                ok = false;
            }
        }
        if (!hasSecret) {
            ctx.fail(name.source(), sourceKey, QStringLiteral("missing secret = \"...\""));
            ok = false;
        }
    }
    if (ok)
        s.webhookSourceSecrets = secrets;
}

void pricesKey(const TomlContext &ctx, const toml::node &node, const QString &key, Settings &s)
{
    const auto *table = node.as_table();
    if (!table) {
        ctx.fail(
            node.source(), key,
            QStringLiteral("expected tables [%1.\"<model>\"], got %2").arg(key, typeName(node)));
        return;
    }
    QMap<QString, ModelPrice> prices;
    bool ok = true;
    for (auto &&[name, value] : *table) {
        const QString model = fromStd(name.str());
        const QString modelKey = key % QLatin1Char('.') % tomlKey(model);
        const auto *entry = value.as_table();
        if (!entry) {
            ctx.fail(value.source(), modelKey,
                     QStringLiteral("expected a table with input_per_mtok and output_per_mtok, "
                                    "got %1")
                         .arg(typeName(value)));
            ok = false;
            continue;
        }
        if (model.trimmed().isEmpty()) {
            ctx.fail(name.source(), modelKey, QStringLiteral("the model name must not be empty"));
            ok = false;
            continue;
        }
        ModelPrice price;
        bool hasInput = false;
        bool hasOutput = false;
        bool split = false;
        for (auto &&[field, fieldValue] : *entry) {
            const QString fieldName = fromStd(field.str());
            const QString fieldKey = modelKey % QLatin1Char('.') % tomlKey(fieldName);
            const bool input = fieldName == QLatin1String("input_per_mtok");
            if (input || fieldName == QLatin1String("output_per_mtok")) {
                (input ? hasInput : hasOutput) = true;
                if (const auto number = readNonNegativeNumber(ctx, fieldValue, fieldKey))
                    (input ? price.inputPerMillionTokens : price.outputPerMillionTokens) = *number;
                else
                    ok = false;
                continue;
            }
            // [ai.prices.gpt-4.1] is the table "1" inside the model "gpt-4".
            split = split || fieldValue.is_table();
            if (fieldValue.is_table())
                ctx.fail(field.source(), fieldKey,
                         QStringLiteral("unknown section; a model name containing dots must be "
                                        "quoted, e.g. [ai.prices.\"gpt-4.1\"]"));
            else
                ctx.fail(field.source(), fieldKey,
                         QStringLiteral("unknown key (known here: input_per_mtok, "
                                        "output_per_mtok)"));
            ok = false;
        }
        for (const auto &[present, field] :
             {std::pair{hasInput, "input_per_mtok"}, std::pair{hasOutput, "output_per_mtok"}}) {
            // A split name's prices sit in the wrong table; the hint above already says why.
            if (present || split)
                continue;
            ctx.fail(name.source(), modelKey,
                     QStringLiteral("missing %1 = <US dollars per million tokens>")
                         .arg(QLatin1String(field)));
            ok = false;
        }
        prices.insert(model, price);
    }
    if (ok)
        s.modelPrices = prices;
}

QString showNothing(const Settings &)
{
    return {};
}

struct SectionSpec {
    const char *name;
    const char *description;
};

// Every section is listed: an unknown one is an error, so a typo cannot silently drop settings.
constexpr SectionSpec kSections[] = {
    {"server", "HTTP API server"},
    {"database", "storage engine"},
    {"queue", "job queue and delivery retries"},
    {"storage", "group commit of writes"},
    {"conversation", "threading of messages into conversations"},
    {"metrics", "Prometheus metrics"},
    {"ai", "AI drafting"},
    {"ai.anthropic", "Anthropic Claude"},
    {"ai.openai", "OpenAI"},
    {"ai.local", "OpenAI-compatible local server (LM Studio, Ollama, llama.cpp)"},
    {"ai.breaker", "circuit breaker per provider"},
    {"ai.moderation", "messages flagged before drafting"},
    {"ai.offline", "built-in offline responder"},
    {"channels", "channel adapters"},
    {"channels.webhook", "generic signed webhook channel"},
    {"channels.twilio", "SMS/MMS through Twilio"},
    {"channels.twilio.fallback", "second Twilio account used while the first one fails"},
    {"channels.sendgrid", "e-mail through SendGrid"},
    {"channels.sendgrid.fallback", "second SendGrid API key used while the first one fails"},
    {"channels.telegram", "Telegram bot"},
    {"channels.discord", "Discord bot"},
    {"channels.twitter", "X (Twitter) direct messages"},
    {"api", "HTTP API authentication"},
    {"rate_limit", "per-client request rate limit"},
    {"log", "logging"},
};

struct KeySpec {
    const char *section;
    const char *key;
    const char *description;
    Apply apply;
    Show show;
};

const QList<KeySpec> &keySpecs()
{
    using S = Settings;
    using P = AiProviderSettings;
    using Tw = TwilioSettings;
    using Sg = SendGridSettings;
    using TwF = TwilioFallbackSettings;
    using SgF = SendGridFallbackSettings;
    using Tg = TelegramSettings;
    using Dc = DiscordSettings;
    using X = TwitterSettings;
    static const QList<KeySpec> specs = {
        {"server", "host", "address the HTTP API listens on", &stringKey<checkHost, &S::listenHost>,
         &showString<&S::listenHost>},
        {"server", "port", "port the HTTP API listens on, 1..65535",
         &integerKey<1, 65535, &S::listenPort>, &showInteger<&S::listenPort>},
        {"server", "thread_pool_size", "worker threads for CPU work; 0 = one per core",
         &integerKey<0, 1024, &S::threadPoolSize>, &showInteger<&S::threadPoolSize>},
        {"server", "public_url", "http(s) URL clients reach this server at; empty = not published",
         &stringKey<checkHttpUrl, &S::publicUrl>, &showString<&S::publicUrl>},
        {"server", "max_body_bytes", "largest request body accepted, in bytes",
         &integerKey<1, kInt64Max, &S::maxBodyBytes>, &showInteger<&S::maxBodyBytes>},
        {"server", "max_header_bytes", "largest request line plus headers, 1024..65536 bytes",
         &integerKey<1024, 65536, &S::maxHeaderBytes>, &showInteger<&S::maxHeaderBytes>},
        {"server", "idle_timeout_seconds",
         "seconds a connection may take to deliver a complete request, 1..3600",
         &integerKey<1, 3600, &S::idleTimeoutSeconds>, &showInteger<&S::idleTimeoutSeconds>},
        {"server", "tls_certificate",
         "PEM certificate chain file, relative to the config file; HTTPS needs tls_key too",
         &fileKey<&S::tlsCertificateFile>, &showString<&S::tlsCertificateFile>},
        {"server", "tls_key",
         "PEM private key file of tls_certificate, relative to the config file",
         &fileKey<&S::tlsKeyFile>, &showString<&S::tlsKeyFile>},
        {"database", "url",
         "sqlite:///path or postgresql://user:pass@host/db; empty = <data dir>/relaydesk.db",
         &stringKey<checkOptionalDatabaseUrl, &S::databaseUrl>, &showString<&S::databaseUrl>},
        {"database", "max_connections", "most database connections open at once",
         &integerKey<1, 10000, &S::maxConnections>, &showInteger<&S::maxConnections>},
        {"queue", "size", "most jobs waiting before new messages are refused",
         &integerKey<1, kIntMax, &S::queueSize>, &showInteger<&S::queueSize>},
        {"queue", "retry_attempts", "retries of a failed job before it is dead-lettered",
         &integerKey<0, kIntMax, &S::retryAttempts>, &showInteger<&S::retryAttempts>},
        {"queue", "lease_seconds", "how long a claimed job stays reserved for its worker",
         &integerKey<1, kIntMax, &S::leaseSeconds>, &showInteger<&S::leaseSeconds>},
        {"queue", "workers", "jobs processed at the same time", &integerKey<1, 1024, &S::workers>,
         &showInteger<&S::workers>},
        {"queue", "retry_base_ms", "first retry delay in milliseconds, doubled per attempt",
         &integerKey<1, kIntMax, &S::retryBaseMs>, &showInteger<&S::retryBaseMs>},
        {"queue", "retry_max_ms", "longest retry delay in milliseconds",
         &integerKey<1, kIntMax, &S::retryMaxMs>, &showInteger<&S::retryMaxMs>},
        {"storage", "batch_max_writes", "most writes committed in one transaction",
         &integerKey<1, kIntMax, &S::batchMaxWrites>, &showInteger<&S::batchMaxWrites>},
        {"storage", "batch_window_ms", "how long a write waits for others to share its commit",
         &integerKey<0, kIntMax, &S::batchWindowMs>, &showInteger<&S::batchWindowMs>},
        {"conversation", "session_hours", "hours of silence after which a new conversation starts",
         &integerKey<1, kIntMax, &S::sessionHours>, &showInteger<&S::sessionHours>},
        {"metrics", "enabled", "serve Prometheus metrics", &boolKey<&S::metricsEnabled>,
         &showBool<&S::metricsEnabled>},
        {"metrics", "port", "separate metrics port; 0 = /metrics on the API port",
         &integerKey<0, 65535, &S::metricsPort>, &showInteger<&S::metricsPort>},

        {"ai", "default_mode", "what happens to AI drafts: auto, review or manual", &aiModeKey,
         &showAiMode},
        {"ai", "chain", "providers tried in order: anthropic, openai, local, offline", &chainKey,
         &showStringArray<&S::aiChain>},
        {"ai", "system_prompt", "instructions given to the model with every draft",
         &stringKey<checkAnything, &S::systemPrompt>, &showString<&S::systemPrompt>},
        {"ai", "system_prompt_file",
         "file holding the system prompt, relative to the config file; not with system_prompt",
         &fileKey<&S::systemPromptFile>, &showString<&S::systemPromptFile>},
        {"ai", "history_messages", "earlier messages of the conversation sent along, 1..200",
         &integerKey<1, 200, &S::historyMessages>, &showInteger<&S::historyMessages>},
        {"ai", "timeout_s", "seconds before a provider request is abandoned, 1..600",
         &integerKey<1, 600, &S::aiTimeoutSeconds>, &showInteger<&S::aiTimeoutSeconds>},
        {"ai", "max_retries", "retries of a failed provider request, 0..10",
         &integerKey<0, 10, &S::aiMaxRetries>, &showInteger<&S::aiMaxRetries>},
        {"ai", "rate_limit_per_user", "AI requests per customer and minute, 1..100000",
         &integerKey<1, 100000, &S::aiRateLimitPerUserPerMinute>,
         &showInteger<&S::aiRateLimitPerUserPerMinute>},
        {"ai", "prices",
         "[ai.prices.\"<model>\"] input_per_mtok, output_per_mtok: USD per million tokens",
         &pricesKey, &showNothing},
        {"ai.anthropic", "api_key", "API key; ANTHROPIC_API_KEY overrides it",
         &stringKey<checkSecret, &S::anthropic, &P::apiKey>,
         &showString<&S::anthropic, &P::apiKey>},
        {"ai.anthropic", "base_url", "http(s) URL of the Messages API",
         &stringKey<checkRequiredHttpUrl, &S::anthropic, &P::baseUrl>,
         &showString<&S::anthropic, &P::baseUrl>},
        {"ai.anthropic", "model", "model name", &stringKey<checkNonEmpty, &S::anthropic, &P::model>,
         &showString<&S::anthropic, &P::model>},
        {"ai.anthropic", "max_tokens", "longest draft in tokens, 1..1000000",
         &integerKey<1, 1000000, &S::anthropic, &P::maxTokens>,
         &showInteger<&S::anthropic, &P::maxTokens>},
        {"ai.openai", "api_key", "API key; OPENAI_API_KEY overrides it",
         &stringKey<checkSecret, &S::openai, &P::apiKey>, &showString<&S::openai, &P::apiKey>},
        {"ai.openai", "base_url", "http(s) URL of the API, up to and including /v1",
         &stringKey<checkRequiredHttpUrl, &S::openai, &P::baseUrl>,
         &showString<&S::openai, &P::baseUrl>},
        {"ai.openai", "model", "model name", &stringKey<checkNonEmpty, &S::openai, &P::model>,
         &showString<&S::openai, &P::model>},
        {"ai.openai", "max_tokens", "longest draft in tokens, 1..1000000",
         &integerKey<1, 1000000, &S::openai, &P::maxTokens>,
         &showInteger<&S::openai, &P::maxTokens>},
        {"ai.local", "api_key", "optional key, for servers that ask for one",
         &stringKey<checkSecret, &S::local, &P::apiKey>, &showString<&S::local, &P::apiKey>},
        {"ai.local", "base_url", "http(s) URL of the API, up to and including /v1",
         &stringKey<checkRequiredHttpUrl, &S::local, &P::baseUrl>,
         &showString<&S::local, &P::baseUrl>},
        {"ai.local", "model", "model name as the server knows it",
         &stringKey<checkNonEmpty, &S::local, &P::model>, &showString<&S::local, &P::model>},
        {"ai.local", "max_tokens", "longest draft in tokens, 1..1000000",
         &integerKey<1, 1000000, &S::local, &P::maxTokens>, &showInteger<&S::local, &P::maxTokens>},
        {"ai.breaker", "failure_threshold", "failures in a row that open the breaker, 1..1000",
         &integerKey<1, 1000, &S::breakerFailureThreshold>,
         &showInteger<&S::breakerFailureThreshold>},
        {"ai.breaker", "cooldown_s", "seconds an open breaker waits before a trial, 1..3600",
         &integerKey<1, 3600, &S::breakerCooldownSeconds>,
         &showInteger<&S::breakerCooldownSeconds>},
        {"ai.moderation", "blocked_terms", "words or phrases that flag a message",
         &stringArrayKey<checkAnything, &S::blockedTerms>, &showStringArray<&S::blockedTerms>},
        {"ai.moderation", "blocked_patterns", "regular expressions that flag a message",
         &blockedPatternsKey, &showStringArray<&S::blockedPatterns>},
        {"ai.moderation", "detect_pii", "flag card numbers and national ids",
         &boolKey<&S::detectPii>, &showBool<&S::detectPii>},
        {"ai.moderation", "provider",
         "\"openai\": also ask OpenAI's /moderations (with [ai.openai] api_key); empty: rules only",
         &stringKey<checkModerationProvider, &S::moderationProvider>,
         &showString<&S::moderationProvider>},
        {"ai.moderation", "model", "moderation model of the provider",
         &stringKey<checkNonEmpty, &S::moderationModel>, &showString<&S::moderationModel>},
        {"ai.offline", "default_reply", "offline reply when no canned answer matches",
         &stringKey<checkNonEmpty, &S::offlineDefaultReply>, &showString<&S::offlineDefaultReply>},
        {"ai.offline", "answers",
         "canned answers: [[ai.offline.answers]] with keywords = [...] and reply = \"...\"",
         &answersKey, &showNothing},

        {"channels.webhook", "enabled", "deliver replies to the generic webhook channel",
         &boolKey<&S::webhookEnabled>, &showBool<&S::webhookEnabled>},
        {"channels.webhook", "outbound_url", "http(s) URL replies are POSTed to",
         &stringKey<checkHttpUrl, &S::webhookOutboundUrl>, &showString<&S::webhookOutboundUrl>},
        {"channels.webhook", "secret", "shared secret signing inbound and outbound webhooks",
         &stringKey<checkAnything, &S::webhookSecret>, &showString<&S::webhookSecret>},
        {"channels.webhook", "timeout_ms", "outbound request timeout in milliseconds",
         &integerKey<1, kIntMax, &S::webhookTimeoutMs>, &showInteger<&S::webhookTimeoutMs>},
        {"channels.webhook", "tolerance_s", "seconds a signed timestamp may be off, 1..86400",
         &integerKey<1, 86400, &S::webhookToleranceSeconds>,
         &showInteger<&S::webhookToleranceSeconds>},
        {"channels.webhook", "sources",
         "[channels.webhook.sources.<source>] secret: per-sender secret of inbound webhooks",
         &sourcesKey, &showNothing},
        {"channels.twilio", "enabled", "receive and send SMS/MMS",
         &boolKey<&S::twilio, &Tw::enabled>, &showBool<&S::twilio, &Tw::enabled>},
        {"channels.twilio", "account_sid", "account SID (AC...)",
         &stringKey<checkSecret, &S::twilio, &Tw::accountSid>,
         &showString<&S::twilio, &Tw::accountSid>},
        {"channels.twilio", "auth_token", "auth token; also verifies X-Twilio-Signature",
         &stringKey<checkSecret, &S::twilio, &Tw::authToken>,
         &showString<&S::twilio, &Tw::authToken>},
        {"channels.twilio", "from", "sender number (E.164) or messaging service SID",
         &stringKey<checkAnything, &S::twilio, &Tw::from>, &showString<&S::twilio, &Tw::from>},
        {"channels.twilio", "base_url", "http(s) URL of the Twilio REST API",
         &stringKey<checkRequiredHttpUrl, &S::twilio, &Tw::baseUrl>,
         &showString<&S::twilio, &Tw::baseUrl>},
        {"channels.twilio.fallback", "account_sid", "account SID (AC...) of the second account",
         &stringKey<checkSecret, &S::twilio, &Tw::fallback, &TwF::accountSid>,
         &showString<&S::twilio, &Tw::fallback, &TwF::accountSid>},
        {"channels.twilio.fallback", "auth_token", "auth token of the second account",
         &stringKey<checkSecret, &S::twilio, &Tw::fallback, &TwF::authToken>,
         &showString<&S::twilio, &Tw::fallback, &TwF::authToken>},
        {"channels.twilio.fallback", "from", "sender number of the second account",
         &stringKey<checkAnything, &S::twilio, &Tw::fallback, &TwF::from>,
         &showString<&S::twilio, &Tw::fallback, &TwF::from>},
        {"channels.twilio.fallback", "base_url", "http(s) URL; empty = [channels.twilio] base_url",
         &stringKey<checkHttpUrl, &S::twilio, &Tw::fallback, &TwF::baseUrl>,
         &showString<&S::twilio, &Tw::fallback, &TwF::baseUrl>},
        {"channels.twilio.fallback", "failure_threshold",
         "failed sends in a row that switch to the fallback, 1..1000",
         &integerKey<1, 1000, &S::twilio, &Tw::fallback, &TwF::failureThreshold>,
         &showInteger<&S::twilio, &Tw::fallback, &TwF::failureThreshold>},
        {"channels.twilio.fallback", "cooldown_s",
         "seconds before the first account is tried again, 1..86400",
         &integerKey<1, 86400, &S::twilio, &Tw::fallback, &TwF::cooldownSeconds>,
         &showInteger<&S::twilio, &Tw::fallback, &TwF::cooldownSeconds>},
        {"channels.sendgrid", "enabled", "receive and send e-mail",
         &boolKey<&S::sendgrid, &Sg::enabled>, &showBool<&S::sendgrid, &Sg::enabled>},
        {"channels.sendgrid", "api_key", "API key with Mail Send permission",
         &stringKey<checkSecret, &S::sendgrid, &Sg::apiKey>,
         &showString<&S::sendgrid, &Sg::apiKey>},
        {"channels.sendgrid", "from", "sender address, e.g. support@example.com",
         &stringKey<checkEmailAddress, &S::sendgrid, &Sg::from>,
         &showString<&S::sendgrid, &Sg::from>},
        {"channels.sendgrid", "event_public_key",
         "verification key of the signed Event Webhook, base64 DER or PEM",
         &stringKey<checkEcdsaPublicKey, &S::sendgrid, &Sg::eventPublicKey>,
         &showString<&S::sendgrid, &Sg::eventPublicKey>},
        {"channels.sendgrid", "base_url", "http(s) URL of the SendGrid API",
         &stringKey<checkRequiredHttpUrl, &S::sendgrid, &Sg::baseUrl>,
         &showString<&S::sendgrid, &Sg::baseUrl>},
        {"channels.sendgrid.fallback", "api_key", "second API key with Mail Send permission",
         &stringKey<checkSecret, &S::sendgrid, &Sg::fallback, &SgF::apiKey>,
         &showString<&S::sendgrid, &Sg::fallback, &SgF::apiKey>},
        {"channels.sendgrid.fallback", "from", "sender address; empty = [channels.sendgrid] from",
         &stringKey<checkEmailAddress, &S::sendgrid, &Sg::fallback, &SgF::from>,
         &showString<&S::sendgrid, &Sg::fallback, &SgF::from>},
        {"channels.sendgrid.fallback", "event_public_key",
         "Event Webhook verification key of the second account, when it has its own",
         &stringKey<checkEcdsaPublicKey, &S::sendgrid, &Sg::fallback, &SgF::eventPublicKey>,
         &showString<&S::sendgrid, &Sg::fallback, &SgF::eventPublicKey>},
        {"channels.sendgrid.fallback", "base_url",
         "http(s) URL; empty = [channels.sendgrid] base_url",
         &stringKey<checkHttpUrl, &S::sendgrid, &Sg::fallback, &SgF::baseUrl>,
         &showString<&S::sendgrid, &Sg::fallback, &SgF::baseUrl>},
        {"channels.sendgrid.fallback", "failure_threshold",
         "failed sends in a row that switch to the fallback, 1..1000",
         &integerKey<1, 1000, &S::sendgrid, &Sg::fallback, &SgF::failureThreshold>,
         &showInteger<&S::sendgrid, &Sg::fallback, &SgF::failureThreshold>},
        {"channels.sendgrid.fallback", "cooldown_s",
         "seconds before the first key is tried again, 1..86400",
         &integerKey<1, 86400, &S::sendgrid, &Sg::fallback, &SgF::cooldownSeconds>,
         &showInteger<&S::sendgrid, &Sg::fallback, &SgF::cooldownSeconds>},
        {"channels.telegram", "enabled", "receive and send Telegram messages",
         &boolKey<&S::telegram, &Tg::enabled>, &showBool<&S::telegram, &Tg::enabled>},
        {"channels.telegram", "bot_token", "token from @BotFather",
         &stringKey<checkSecret, &S::telegram, &Tg::botToken>,
         &showString<&S::telegram, &Tg::botToken>},
        {"channels.telegram", "mode", "\"webhook\" (Telegram calls us) or \"poll\" (getUpdates)",
         &telegramModeKey, &showString<&S::telegram, &Tg::mode>},
        {"channels.telegram", "webhook_secret", "secret_token Telegram sends with each webhook",
         &stringKey<checkTelegramSecret, &S::telegram, &Tg::webhookSecret>,
         &showString<&S::telegram, &Tg::webhookSecret>},
        {"channels.telegram", "base_url", "http(s) URL of the Bot API",
         &stringKey<checkRequiredHttpUrl, &S::telegram, &Tg::baseUrl>,
         &showString<&S::telegram, &Tg::baseUrl>},
        {"channels.discord", "enabled", "receive and send Discord messages",
         &boolKey<&S::discord, &Dc::enabled>, &showBool<&S::discord, &Dc::enabled>},
        {"channels.discord", "bot_token", "bot token",
         &stringKey<checkSecret, &S::discord, &Dc::botToken>,
         &showString<&S::discord, &Dc::botToken>},
        {"channels.discord", "application_id", "application id (digits)",
         &stringKey<checkSnowflake, &S::discord, &Dc::applicationId>,
         &showString<&S::discord, &Dc::applicationId>},
        {"channels.discord", "public_key", "hex Ed25519 key verifying interactions; optional",
         &stringKey<checkEd25519PublicKey, &S::discord, &Dc::publicKey>,
         &showString<&S::discord, &Dc::publicKey>},
        {"channels.discord", "channel_ids", "ids of the channels to watch, as strings of digits",
         &stringArrayKey<checkRequiredSnowflake, &S::discord, &Dc::channelIds>,
         &showStringArray<&S::discord, &Dc::channelIds>},
        {"channels.discord", "base_url", "http(s) URL of the REST API",
         &stringKey<checkRequiredHttpUrl, &S::discord, &Dc::baseUrl>,
         &showString<&S::discord, &Dc::baseUrl>},
        {"channels.discord", "gateway_url", "ws(s) URL of the gateway",
         &stringKey<checkWebSocketUrl, &S::discord, &Dc::gatewayUrl>,
         &showString<&S::discord, &Dc::gatewayUrl>},
        {"channels.twitter", "enabled", "receive and send X direct messages",
         &boolKey<&S::twitter, &X::enabled>, &showBool<&S::twitter, &X::enabled>},
        {"channels.twitter", "bearer_token", "bearer token of the X API",
         &stringKey<checkSecret, &S::twitter, &X::bearerToken>,
         &showString<&S::twitter, &X::bearerToken>},
        {"channels.twitter", "poll_interval_s", "seconds between polls for new messages, 1..86400",
         &integerKey<1, 86400, &S::twitter, &X::pollIntervalSeconds>,
         &showInteger<&S::twitter, &X::pollIntervalSeconds>},
        {"channels.twitter", "base_url", "http(s) URL of the X API",
         &stringKey<checkRequiredHttpUrl, &S::twitter, &X::baseUrl>,
         &showString<&S::twitter, &X::baseUrl>},

        {"api", "tokens", "bearer tokens accepted by the HTTP API",
         &stringArrayKey<checkAnything, &S::apiTokens>, &showStringArray<&S::apiTokens>},
        {"rate_limit", "enabled", "limit requests per client", &boolKey<&S::rateLimitEnabled>,
         &showBool<&S::rateLimitEnabled>},
        {"rate_limit", "requests", "requests allowed per client and period",
         &integerKey<1, kIntMax, &S::rateLimitRequests>, &showInteger<&S::rateLimitRequests>},
        {"rate_limit", "period", "length of the rate-limit period in seconds",
         &integerKey<1, kIntMax, &S::rateLimitPeriodSeconds>,
         &showInteger<&S::rateLimitPeriodSeconds>},
        {"log", "level", "debug, info, warning, error or critical", &logLevelKey,
         [](const Settings &s) { return quoted(s.logLevel); }},
    };
    return specs;
}

const KeySpec *findKey(const QString &section, const QString &key)
{
    for (const KeySpec &spec : keySpecs()) {
        if (section == QLatin1String(spec.section) && key == QLatin1String(spec.key))
            return &spec;
    }
    return nullptr;
}

bool isSection(const QString &name)
{
    return std::any_of(std::begin(kSections), std::end(kSections),
                       [&](const SectionSpec &spec) { return name == QLatin1String(spec.name); });
}

// What may appear inside a table, for "unknown key" messages that show the way out.
QStringList allowedIn(const QString &section)
{
    QStringList names;
    for (const KeySpec &spec : keySpecs()) {
        if (section == QLatin1String(spec.section))
            names.append(QLatin1String(spec.key));
    }
    const QString prefix = section.isEmpty() ? QString() : section + QLatin1Char('.');
    for (const SectionSpec &spec : kSections) {
        const QString name = QLatin1String(spec.name);
        if (name.startsWith(prefix) && !name.mid(prefix.size()).contains(QLatin1Char('.')))
            names.append(QLatin1Char('[') % name % QLatin1Char(']'));
    }
    return names;
}

void walkTable(const TomlContext &ctx, const toml::table &table, const QString &path, Settings &s)
{
    for (auto &&[name, value] : table) {
        const QString key = fromStd(name.str());
        const QString full = path.isEmpty() ? key : path % QLatin1Char('.') % key;
        if (const KeySpec *spec = findKey(path, key)) {
            spec->apply(ctx, value, full, s);
            ctx.origins->where.insert(full, ctx.where(name.source(), full));
            continue;
        }
        if (isSection(full)) {
            if (const auto *section = value.as_table())
                walkTable(ctx, *section, full, s);
            else
                ctx.fail(
                    name.source(), full,
                    QStringLiteral("expected a table [%1], got %2").arg(full, typeName(value)));
            continue;
        }
        const QString allowed = allowedIn(path).join(QLatin1String(", "));
        if (value.is_table() || value.is_array_of_tables())
            ctx.fail(name.source(), full,
                     QStringLiteral("unknown section [%1] (known here: %2)").arg(full, allowed));
        else
            ctx.fail(name.source(), full,
                     QStringLiteral("unknown key (known here: %1)").arg(allowed));
    }
}

void loadFile(const QString &file, Settings &s, QList<FieldError> &problems, Origins &origins)
{
    const QFileInfo info(file);
    if (info.isDir()) {
        problems.append({file, QStringLiteral("expected a config file, got a directory")});
        return;
    }
    QFile input(file);
    if (!input.open(QIODevice::ReadOnly)) {
        problems.append(
            {file, QStringLiteral("cannot read the config file: %1").arg(input.errorString())});
        return;
    }
    const QByteArray bytes = input.readAll();
    const std::string_view document(bytes.constData(), size_t(bytes.size()));
    const QByteArray sourcePath = file.toUtf8();
    const std::string_view source(sourcePath.constData(), size_t(sourcePath.size()));

    const auto parseFailed = [&](const toml::parse_error &error) {
        const auto &begin = error.source().begin;
        problems.append({QStringLiteral("%1:%2:%3")
                             .arg(file, QString::number(begin.line), QString::number(begin.column)),
                         fromStd(error.description())});
    };
    toml::table root;
#if TOML_EXCEPTIONS
    try {
        root = toml::parse(document, source);
    } catch (const toml::parse_error &error) {
        parseFailed(error);
        return;
    }
#else
    toml::parse_result result = toml::parse(document, source);
    if (!result) {
        parseFailed(result.error());
        return;
    }
    root = std::move(result).table();
#endif

    QList<Located> found;
    const TomlContext ctx{file, &found, &origins};
    walkTable(ctx, root, QString(), s);
    // toml++ tables iterate in key order; users read errors top to bottom.
    std::stable_sort(found.begin(), found.end(),
                     [](const Located &a, const Located &b) { return a.line < b.line; });
    for (const Located &problem : std::as_const(found))
        problems.append(problem.error);
}

// ---- environment and command line -----------------------------------------------------------

struct EnvSpec {
    const char *name;
    const char *description;
};

constexpr EnvSpec kEnvironment[] = {
    {"RELAYDESK_CONFIG", "config file to read when --config is not given"},
    {"DATABASE_URL", "database URL, overrides [database] url"},
    {"PORT", "port the HTTP API listens on, overrides [server] port"},
    {"RELAYDESK_DATA_DIR", "directory for the SQLite database and other data"},
    {"RELAYDESK_LOG", "log level: debug, info, warning, error or critical"},
    {"RELAYDESK_API_TOKEN", "comma-separated bearer tokens, added to [api] tokens"},
    {"RATE_LIMIT_ENABLED", "true or false, overrides [rate_limit] enabled"},
    {"RATE_LIMIT_REQUESTS", "requests per period, overrides [rate_limit] requests"},
    {"RATE_LIMIT_PERIOD", "period in seconds, overrides [rate_limit] period"},
    {"RELAYDESK_WEBHOOK_OUTBOUND_URL", "overrides [channels.webhook] outbound_url"},
};

// Secrets are better kept out of config files; each one can come from its own variable.
struct SecretEnvSpec {
    const char *name;
    const char *key; // the config key it overrides
    QString (*check)(const QString &);
    QString &(*field)(Settings &);
};

const QList<SecretEnvSpec> &secretEnvironment()
{
    static const QList<SecretEnvSpec> specs = {
        {"RELAYDESK_WEBHOOK_SECRET", "channels.webhook.secret", checkAnything,
         [](Settings &s) -> QString & { return s.webhookSecret; }},
        {"RELAYDESK_TWILIO_ACCOUNT_SID", "channels.twilio.account_sid", checkSecret,
         [](Settings &s) -> QString & { return s.twilio.accountSid; }},
        {"RELAYDESK_TWILIO_AUTH_TOKEN", "channels.twilio.auth_token", checkSecret,
         [](Settings &s) -> QString & { return s.twilio.authToken; }},
        {"RELAYDESK_TWILIO_FALLBACK_ACCOUNT_SID", "channels.twilio.fallback.account_sid",
         checkSecret, [](Settings &s) -> QString & { return s.twilio.fallback.accountSid; }},
        {"RELAYDESK_TWILIO_FALLBACK_AUTH_TOKEN", "channels.twilio.fallback.auth_token", checkSecret,
         [](Settings &s) -> QString & { return s.twilio.fallback.authToken; }},
        {"RELAYDESK_SENDGRID_API_KEY", "channels.sendgrid.api_key", checkSecret,
         [](Settings &s) -> QString & { return s.sendgrid.apiKey; }},
        {"RELAYDESK_SENDGRID_FALLBACK_API_KEY", "channels.sendgrid.fallback.api_key", checkSecret,
         [](Settings &s) -> QString & { return s.sendgrid.fallback.apiKey; }},
        {"RELAYDESK_SENDGRID_EVENT_PUBLIC_KEY", "channels.sendgrid.event_public_key",
         checkEcdsaPublicKey, [](Settings &s) -> QString & { return s.sendgrid.eventPublicKey; }},
        {"RELAYDESK_TELEGRAM_BOT_TOKEN", "channels.telegram.bot_token", checkSecret,
         [](Settings &s) -> QString & { return s.telegram.botToken; }},
        {"RELAYDESK_TELEGRAM_WEBHOOK_SECRET", "channels.telegram.webhook_secret",
         checkTelegramSecret, [](Settings &s) -> QString & { return s.telegram.webhookSecret; }},
        {"RELAYDESK_DISCORD_BOT_TOKEN", "channels.discord.bot_token", checkSecret,
         [](Settings &s) -> QString & { return s.discord.botToken; }},
        {"RELAYDESK_DISCORD_PUBLIC_KEY", "channels.discord.public_key", checkEd25519PublicKey,
         [](Settings &s) -> QString & { return s.discord.publicKey; }},
        {"RELAYDESK_TWITTER_BEARER_TOKEN", "channels.twitter.bearer_token", checkSecret,
         [](Settings &s) -> QString & { return s.twitter.bearerToken; }},
        {"ANTHROPIC_API_KEY", "ai.anthropic.api_key", checkSecret,
         [](Settings &s) -> QString & { return s.anthropic.apiKey; }},
        {"OPENAI_API_KEY", "ai.openai.api_key", checkSecret,
         [](Settings &s) -> QString & { return s.openai.apiKey; }},
    };
    return specs;
}

const char *secretEnvFor(const QString &key)
{
    for (const SecretEnvSpec &spec : secretEnvironment()) {
        if (key == QLatin1String(spec.key))
            return spec.name;
    }
    return nullptr;
}

// "channels.twilio.auth_token" -> "[channels.twilio] auth_token", as the user writes it.
QString keyInSection(const QString &key)
{
    const qsizetype dot = key.lastIndexOf(QLatin1Char('.'));
    return QLatin1Char('[') % key.left(dot) % QStringLiteral("] ") % key.mid(dot + 1);
}

// An exported-but-empty variable (PORT= in a .env file) means "not set", as in most tools.
std::optional<QString> envValue(const QProcessEnvironment &env, const char *name)
{
    const QString value = env.value(QLatin1String(name)).trimmed();
    if (value.isEmpty())
        return std::nullopt;
    return value;
}

QString envField(const char *name)
{
    return QStringLiteral("environment %1").arg(QLatin1String(name));
}

void applyEnvironment(const QProcessEnvironment &env, Settings &s, QList<FieldError> &problems,
                      Origins &origins)
{
    const auto fail = [&](const char *name, const QString &reason) {
        problems.append({envField(name), reason});
    };
    QString reason;

    if (const auto url = envValue(env, "DATABASE_URL")) {
        reason = checkDatabaseUrl(*url);
        if (reason.isEmpty())
            s.databaseUrl = *url;
        else
            fail("DATABASE_URL", reason);
    }
    if (const auto port = envValue(env, "PORT")) {
        if (const auto value = parseInteger(*port, 1, 65535, &reason)) {
            s.listenPort = quint16(*value);
            origins.where.insert(QStringLiteral("server.port"), envField("PORT"));
        } else {
            fail("PORT", reason);
        }
    }
    if (const auto dir = envValue(env, "RELAYDESK_DATA_DIR"))
        s.dataDir = *dir;
    if (const auto level = envValue(env, "RELAYDESK_LOG")) {
        if (const auto normalized = normalizeLogLevel(*level))
            s.logLevel = *normalized;
        else
            fail("RELAYDESK_LOG", logLevelReason(*level));
    }
    if (const auto tokens = envValue(env, "RELAYDESK_API_TOKEN")) {
        for (const QString &token : tokens->split(QLatin1Char(','))) {
            const QString trimmed = token.trimmed();
            if (!trimmed.isEmpty() && !s.apiTokens.contains(trimmed))
                s.apiTokens.append(trimmed);
        }
    }
    if (const auto enabled = envValue(env, "RATE_LIMIT_ENABLED")) {
        if (const auto value = parseBool(*enabled))
            s.rateLimitEnabled = *value;
        else
            fail("RATE_LIMIT_ENABLED",
                 QStringLiteral("expected true or false, got %1").arg(quoted(*enabled)));
    }
    if (const auto requests = envValue(env, "RATE_LIMIT_REQUESTS")) {
        if (const auto value = parseInteger(*requests, 1, kIntMax, &reason))
            s.rateLimitRequests = int(*value);
        else
            fail("RATE_LIMIT_REQUESTS", reason);
    }
    if (const auto period = envValue(env, "RATE_LIMIT_PERIOD")) {
        if (const auto value = parseInteger(*period, 1, kIntMax, &reason))
            s.rateLimitPeriodSeconds = int(*value);
        else
            fail("RATE_LIMIT_PERIOD", reason);
    }
    // Secrets are taken verbatim: surrounding spaces may be part of them.
    for (const SecretEnvSpec &spec : secretEnvironment()) {
        const QString secret = env.value(QLatin1String(spec.name));
        if (secret.isEmpty())
            continue;
        const QString key = QLatin1String(spec.key);
        reason = spec.check(secret);
        if (reason.isEmpty()) {
            spec.field(s) = secret;
            origins.where.insert(key, envField(spec.name));
        } else {
            fail(spec.name, reason);
            origins.rejected.insert(key);
        }
    }
    if (const auto url = envValue(env, "RELAYDESK_WEBHOOK_OUTBOUND_URL")) {
        reason = checkHttpUrl(*url);
        if (reason.isEmpty()) {
            s.webhookOutboundUrl = *url;
            origins.where.insert(QStringLiteral("channels.webhook.outbound_url"),
                                 envField("RELAYDESK_WEBHOOK_OUTBOUND_URL"));
        } else {
            fail("RELAYDESK_WEBHOOK_OUTBOUND_URL", reason);
            origins.rejected.insert(QStringLiteral("channels.webhook.outbound_url"));
        }
    }
}

struct ListenAddress {
    QString host;
    quint16 port = 0;
};

std::optional<ListenAddress> parseListen(const QString &text, QString *reason)
{
    QString host;
    QString portText;
    if (text.startsWith(QLatin1Char('['))) {
        const qsizetype close = text.indexOf(QLatin1Char(']'));
        if (close < 0 || text.mid(close + 1, 1) != QLatin1String(":")) {
            *reason = QStringLiteral("expected [IPv6]:PORT, got %1").arg(quoted(text));
            return std::nullopt;
        }
        host = text.mid(1, close - 1);
        portText = text.mid(close + 2);
    } else {
        const qsizetype colon = text.lastIndexOf(QLatin1Char(':'));
        if (colon < 0) {
            *reason = QStringLiteral("expected HOST:PORT, got %1").arg(quoted(text));
            return std::nullopt;
        }
        host = text.left(colon);
        portText = text.mid(colon + 1);
        if (host.contains(QLatin1Char(':'))) {
            *reason = QStringLiteral("IPv6 addresses need brackets, e.g. [::1]:3030; got %1")
                          .arg(quoted(text));
            return std::nullopt;
        }
    }
    if (const QString hostReason = checkHost(host); !hostReason.isEmpty()) {
        *reason = QStringLiteral("expected HOST:PORT, got %1").arg(quoted(text));
        return std::nullopt;
    }
    QString portReason;
    const auto port = parseInteger(portText, 1, 65535, &portReason);
    if (!port) {
        *reason = QStringLiteral("expected HOST:PORT with a port between 1 and 65535, got %1")
                      .arg(quoted(text));
        return std::nullopt;
    }
    return ListenAddress{host, quint16(*port)};
}

const QStringList &commandLineOptions()
{
    static const QStringList options = {QStringLiteral("config"), QStringLiteral("database-url"),
                                        QStringLiteral("listen"), QStringLiteral("data-dir"),
                                        QStringLiteral("log-level")};
    return options;
}

void applyCommandLine(const QMap<QString, QString> &options, Settings &s,
                      QList<FieldError> &problems, Origins &origins)
{
    for (auto it = options.cbegin(); it != options.cend(); ++it) {
        const QString field = QStringLiteral("--") + it.key();
        const QString value = it.value().trimmed();
        if (!commandLineOptions().contains(it.key())) {
            problems.append({field, QStringLiteral("unknown option")});
            continue;
        }
        if (value.isEmpty()) {
            problems.append({field, QStringLiteral("expected a value")});
            continue;
        }
        QString reason;
        if (it.key() == QLatin1String("listen")) {
            if (const auto address = parseListen(value, &reason)) {
                s.listenHost = address->host;
                s.listenPort = address->port;
                origins.where.insert(QStringLiteral("server.port"), field);
            }
        } else if (it.key() == QLatin1String("database-url")) {
            reason = checkDatabaseUrl(value);
            if (reason.isEmpty())
                s.databaseUrl = value;
        } else if (it.key() == QLatin1String("data-dir")) {
            s.dataDir = value;
        } else if (it.key() == QLatin1String("log-level")) {
            if (const auto level = normalizeLogLevel(value))
                s.logLevel = *level;
            else
                reason = logLevelReason(value);
        }
        if (!reason.isEmpty())
            problems.append({field, reason});
    }
}

// Checks spanning several keys run on the merged result, reported where the user can fix them.
void checkCombination(const Settings &s, const Origins &origins, QList<FieldError> &problems)
{
    const auto origin = [&](const char *key) {
        const QString name = QLatin1String(key);
        return origins.where.value(name, name);
    };
    if (s.webhookEnabled && s.webhookOutboundUrl.isEmpty() &&
        !origins.rejected.contains(QStringLiteral("channels.webhook.outbound_url")))
        problems.append({origin("channels.webhook.enabled"),
                         QStringLiteral("the webhook channel is enabled but has no outbound_url; "
                                        "set [channels.webhook] outbound_url or "
                                        "RELAYDESK_WEBHOOK_OUTBOUND_URL to an http(s) URL")});
    if (s.retryMaxMs < s.retryBaseMs) {
        const char *key = origins.where.contains(QStringLiteral("queue.retry_max_ms"))
                              ? "queue.retry_max_ms"
                              : "queue.retry_base_ms";
        problems.append(
            {origin(key), QStringLiteral("queue.retry_max_ms (%1) must not be less than "
                                         "queue.retry_base_ms (%2)")
                              .arg(s.retryMaxMs)
                              .arg(s.retryBaseMs)});
    }
    // A key already reported as invalid is not reported again as missing.
    const auto usable = [&](const QString &key) { return !origins.rejected.contains(key); };

    const bool hasCertificate = !s.tlsCertificateFile.isEmpty();
    if (hasCertificate != !s.tlsKeyFile.isEmpty() &&
        usable(QStringLiteral("server.tls_certificate")) &&
        usable(QStringLiteral("server.tls_key"))) {
        const char *present = hasCertificate ? "server.tls_certificate" : "server.tls_key";
        problems.append(
            {origin(present), QStringLiteral("%1 is set but %2 is not; HTTPS needs both files")
                                  .arg(QLatin1String(present),
                                       QLatin1String(hasCertificate ? "server.tls_key"
                                                                    : "server.tls_certificate"))});
    }

    for (const auto &[name, key, provider] :
         {std::tuple{"anthropic", "ai.anthropic.api_key", &s.anthropic},
          std::tuple{"openai", "ai.openai.api_key", &s.openai}}) {
        const QString keyName = QLatin1String(key);
        if (s.aiChain.contains(QLatin1String(name)) && provider->apiKey.isEmpty() &&
            usable(keyName))
            problems.append({origin("ai.chain"),
                             QStringLiteral("the chain includes %1, which has no API key; set %2 "
                                            "or %3")
                                 .arg(QLatin1String(name), keyInSection(keyName),
                                      QLatin1String(secretEnvFor(keyName)))});
    }
    if (s.moderationProvider == QLatin1String("openai") && s.openai.apiKey.isEmpty() &&
        usable(QStringLiteral("ai.openai.api_key")))
        problems.append({origin("ai.moderation.provider"),
                         QStringLiteral("moderation through openai needs its API key; set "
                                        "[ai.openai] api_key or OPENAI_API_KEY")});
    // Two prompts would leave the reader guessing which one the model gets.
    if (!s.systemPrompt.isEmpty() && !s.systemPromptFile.isEmpty())
        problems.append({origin("ai.system_prompt_file"),
                         QStringLiteral("set either ai.system_prompt or ai.system_prompt_file, "
                                        "not both")});

    struct Required {
        const char *key;
        const QString &value;
    };
    const auto require = [&](const char *channel, bool enabled,
                             std::initializer_list<Required> required) {
        if (!enabled)
            return;
        const QString section = QStringLiteral("channels.") + QLatin1String(channel);
        for (const Required &item : required) {
            const QString key = section % QLatin1Char('.') % QLatin1String(item.key);
            if (!item.value.isEmpty() || !usable(key))
                continue;
            const char *env = secretEnvFor(key);
            problems.append(
                {origins.where.value(section + QStringLiteral(".enabled"),
                                     section + QStringLiteral(".enabled")),
                 QStringLiteral("the %1 channel is enabled but has no %2; set %3%4")
                     .arg(QLatin1String(channel), QLatin1String(item.key), keyInSection(key),
                          env ? QStringLiteral(" or ") + QLatin1String(env) : QString())});
        }
    };
    require("twilio", s.twilio.enabled,
            {{"account_sid", s.twilio.accountSid},
             {"auth_token", s.twilio.authToken},
             {"from", s.twilio.from}});
    require("sendgrid", s.sendgrid.enabled,
            {{"api_key", s.sendgrid.apiKey}, {"from", s.sendgrid.from}});
    // A fallback account sends from its own number and signs its webhooks with its own token.
    if (s.twilio.enabled && !s.twilio.fallback.accountSid.isEmpty()) {
        for (const auto &[key, value] :
             {std::pair{"channels.twilio.fallback.auth_token", &s.twilio.fallback.authToken},
              std::pair{"channels.twilio.fallback.from", &s.twilio.fallback.from}}) {
            const QString name = QLatin1String(key);
            if (value->isEmpty() && usable(name))
                problems.append({origin("channels.twilio.fallback.account_sid"),
                                 QStringLiteral("the Twilio fallback account has no %1; set %2")
                                     .arg(name.section(QLatin1Char('.'), -1), keyInSection(name))});
        }
    }
    require("telegram", s.telegram.enabled, {{"bot_token", s.telegram.botToken}});
    require("discord", s.discord.enabled, {{"bot_token", s.discord.botToken}});
    require("twitter", s.twitter.enabled, {{"bearer_token", s.twitter.bearerToken}});

    if (s.metricsEnabled && s.metricsPort != 0 && s.metricsPort == s.listenPort)
        problems.append({origin("metrics.port"),
                         QStringLiteral("metrics port %1 is also the API port; use another port, "
                                        "or 0 to serve /metrics on the API port")
                             .arg(s.metricsPort)});
}

} // namespace

Outcome<Settings> SettingsLoader::load(const SettingsSources &sources)
{
    Settings settings;
    QList<FieldError> problems;
    Origins origins;

    // The file is chosen first because everything else overrides what it says.
    QString file;
    bool mayBeMissing = false;
    if (sources.commandLine.contains(QStringLiteral("config"))) {
        file = sources.commandLine.value(QStringLiteral("config")).trimmed();
    } else if (const auto fromEnv = envValue(sources.environment, "RELAYDESK_CONFIG")) {
        file = *fromEnv;
    } else {
        file = sources.configFile;
        mayBeMissing = true;
    }
    if (!file.isEmpty() && !(mayBeMissing && !QFileInfo::exists(file))) {
        settings.configFile = file;
        loadFile(file, settings, problems, origins);
    }

    applyEnvironment(sources.environment, settings, problems, origins);
    applyCommandLine(sources.commandLine, settings, problems, origins);

    if (settings.dataDir.isEmpty())
        settings.dataDir = QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) +
                           QStringLiteral("/relaydesk");
    // Absolute, so a later change of working directory cannot move the database.
    settings.dataDir = QDir::cleanPath(QFileInfo(settings.dataDir).absoluteFilePath());

    checkCombination(settings, origins, problems);

    if (problems.isEmpty())
        return settings;

    QString message = problems.size() == 1
                          ? QStringLiteral("The settings have 1 problem:")
                          : QStringLiteral("The settings have %1 problems:").arg(problems.size());
    for (const FieldError &problem : std::as_const(problems))
        message += QStringLiteral("\n  ") % problem.field % QStringLiteral(": ") % problem.message;
    return Error{ErrorKind::Invalid, message, problems, 0};
}

QString SettingsLoader::helpText()
{
    const Settings defaults;
    QString text = QStringLiteral(
        "Settings are taken from the command line, then the environment, then the config file,\n"
        "then built-in defaults.\n\nEnvironment variables:\n");
    qsizetype width = 0;
    for (const EnvSpec &spec : kEnvironment)
        width = std::max(width, qsizetype(qstrlen(spec.name)));
    for (const SecretEnvSpec &spec : secretEnvironment())
        width = std::max(width, qsizetype(qstrlen(spec.name)));
    for (const EnvSpec &spec : kEnvironment)
        text += QStringLiteral("  ") % QString(QLatin1String(spec.name)).leftJustified(width + 2) %
                QLatin1String(spec.description) % QLatin1Char('\n');
    for (const SecretEnvSpec &spec : secretEnvironment())
        text += QStringLiteral("  ") % QString(QLatin1String(spec.name)).leftJustified(width + 2) %
                QStringLiteral("overrides ") % keyInSection(QLatin1String(spec.key)) %
                QLatin1Char('\n');

    text += QStringLiteral("\nConfig file (TOML) keys, with defaults:\n");
    width = 0;
    for (const KeySpec &spec : keySpecs())
        width = std::max(width, qsizetype(qstrlen(spec.key)));
    for (const SectionSpec &section : kSections) {
        const QString name = QLatin1String(section.name);
        QString keys;
        for (const KeySpec &spec : keySpecs()) {
            if (name != QLatin1String(spec.section))
                continue;
            // Long defaults (the offline reply) would wrap the one-line layout, and "" says
            // nothing; default.toml shows both.
            QString value = spec.show(defaults);
            if (value.size() > 40 || value == QLatin1String("\"\""))
                value.clear();
            keys += QStringLiteral("    ") %
                    QString(QLatin1String(spec.key)).leftJustified(width + 2) %
                    QLatin1String(spec.description) %
                    (value.isEmpty() ? QString() : QStringLiteral(" (default: %1)").arg(value)) %
                    QLatin1Char('\n');
        }
        // Parent-only tables such as [channels] hold no keys of their own.
        if (keys.isEmpty())
            continue;
        text += QStringLiteral("  [") % name % QStringLiteral("]  ") %
                QLatin1String(section.description) % QLatin1Char('\n') % keys;
    }
    return text;
}

QStringList SettingsLoader::logLevels()
{
    return {QStringLiteral("debug"), QStringLiteral("info"), QStringLiteral("warning"),
            QStringLiteral("error"), QStringLiteral("critical")};
}

} // namespace relaydesk
