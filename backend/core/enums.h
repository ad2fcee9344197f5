#pragma once

#include <QString>
#include <optional>

namespace relaydesk {

enum class Platform { Telegram, Discord, Twitter, Sms, Mms, Email, Webhook };
enum class Priority { Low = 0, Normal = 1, High = 2, Urgent = 3 };
enum class Direction { Inbound, Outbound };
enum class AuthorKind { Customer, Operator, Ai, System };
enum class ConversationStatus { Open, Pending, Resolved, Archived };
enum class AiMode { Auto, Review, Manual };
enum class EventType {
    Queued,
    Processing,
    Drafted,
    Approved,
    Rejected,
    Sent,
    Delivered,
    Failed,
    DeadLettered,
    // An operator gave up on a dead letter: the job is gone and the message stays unsent.
    Discarded
};

// Wire names are lower case; parsing is case-insensitive because seed 000 clients send
// "Discord" and "Normal".
QString toString(Platform value);
QString toString(Priority value);
QString toString(Direction value);
QString toString(AuthorKind value);
QString toString(ConversationStatus value);
QString toString(AiMode value);
QString toString(EventType value);

std::optional<Platform> parsePlatform(const QString &text);
std::optional<Priority> parsePriority(const QString &text);
std::optional<Direction> parseDirection(const QString &text);
std::optional<AuthorKind> parseAuthorKind(const QString &text);
std::optional<ConversationStatus> parseConversationStatus(const QString &text);
std::optional<AiMode> parseAiMode(const QString &text);
std::optional<EventType> parseEventType(const QString &text);

// The longest message the platform accepts (characters); drafts and replies are held to it.
int platformLengthLimit(Platform platform);

// The accepted spellings, for error messages that tell the caller what would have worked.
QString allowedValues(const QStringList &values);
QStringList platformNames();
QStringList priorityNames();
QStringList conversationStatusNames();
QStringList aiModeNames();

} // namespace relaydesk
