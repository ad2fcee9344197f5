#include "core/enums.h"

#include <QStringList>
#include <array>

namespace relaydesk {

namespace {

template <typename Enum, std::size_t N>
std::optional<Enum> parseFrom(const std::array<const char *, N> &names, const QString &text)
{
    const QString trimmed = text.trimmed();
    for (std::size_t i = 0; i < N; ++i) {
        if (trimmed.compare(QLatin1String(names[i]), Qt::CaseInsensitive) == 0)
            return static_cast<Enum>(i);
    }
    return std::nullopt;
}

template <std::size_t N> QStringList namesOf(const std::array<const char *, N> &names)
{
    QStringList list;
    for (const char *name : names)
        list << QLatin1String(name);
    return list;
}

constexpr std::array<const char *, 7> kPlatforms = {"telegram", "discord", "twitter", "sms",
                                                    "mms",      "email",   "webhook"};
constexpr std::array<const char *, 4> kPriorities = {"low", "normal", "high", "urgent"};
constexpr std::array<const char *, 2> kDirections = {"inbound", "outbound"};
constexpr std::array<const char *, 4> kAuthorKinds = {"customer", "operator", "ai", "system"};
constexpr std::array<const char *, 4> kStatuses = {"open", "pending", "resolved", "archived"};
constexpr std::array<const char *, 3> kAiModes = {"auto", "review", "manual"};
constexpr std::array<const char *, 10> kEventTypes = {
    "queued", "processing", "drafted", "approved",      "rejected",
    "sent",   "delivered",  "failed",  "dead_lettered", "discarded"};

} // namespace

QString toString(Platform value)
{
    return QLatin1String(kPlatforms[int(value)]);
}
QString toString(Priority value)
{
    return QLatin1String(kPriorities[int(value)]);
}
QString toString(Direction value)
{
    return QLatin1String(kDirections[int(value)]);
}
QString toString(AuthorKind value)
{
    return QLatin1String(kAuthorKinds[int(value)]);
}
QString toString(ConversationStatus value)
{
    return QLatin1String(kStatuses[int(value)]);
}
QString toString(AiMode value)
{
    return QLatin1String(kAiModes[int(value)]);
}
QString toString(EventType value)
{
    return QLatin1String(kEventTypes[int(value)]);
}

std::optional<Platform> parsePlatform(const QString &text)
{
    // X was Twitter; bots written for either name must keep working.
    if (text.trimmed().compare(QLatin1String("x"), Qt::CaseInsensitive) == 0)
        return Platform::Twitter;
    return parseFrom<Platform>(kPlatforms, text);
}
std::optional<Priority> parsePriority(const QString &text)
{
    return parseFrom<Priority>(kPriorities, text);
}
std::optional<Direction> parseDirection(const QString &text)
{
    return parseFrom<Direction>(kDirections, text);
}
std::optional<AuthorKind> parseAuthorKind(const QString &text)
{
    return parseFrom<AuthorKind>(kAuthorKinds, text);
}
std::optional<ConversationStatus> parseConversationStatus(const QString &text)
{
    return parseFrom<ConversationStatus>(kStatuses, text);
}
std::optional<AiMode> parseAiMode(const QString &text)
{
    return parseFrom<AiMode>(kAiModes, text);
}
std::optional<EventType> parseEventType(const QString &text)
{
    return parseFrom<EventType>(kEventTypes, text);
}

int platformLengthLimit(Platform platform)
{
    switch (platform) {
    case Platform::Sms:
    case Platform::Mms:
        return 1600;
    case Platform::Telegram:
        return 4096;
    case Platform::Discord:
        return 2000;
    case Platform::Twitter:
        return 10000;
    case Platform::Email:
    case Platform::Webhook:
        break;
    }
    return 64 * 1024;
}

QString allowedValues(const QStringList &values)
{
    return values.join(QLatin1String(", "));
}
QStringList platformNames()
{
    return namesOf(kPlatforms);
}
QStringList priorityNames()
{
    return namesOf(kPriorities);
}
QStringList conversationStatusNames()
{
    return namesOf(kStatuses);
}
QStringList aiModeNames()
{
    return namesOf(kAiModes);
}

} // namespace relaydesk
