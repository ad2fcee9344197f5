#include "ui/conversationlistmodel.h"

#include "engine/engine.h"
#include "storage/messagerepository.h"
#include "ui/displaynames.h"
#include "ui/errortext.h"
#include "ui/whenready.h"

#include <algorithm>

namespace relaydesk::ui {

namespace {

QString participantsText(const Conversation &c)
{
    return c.participants.join(QStringLiteral(", "));
}

bool isState(const Message &message, EventType type)
{
    return message.state == toString(type);
}

} // namespace

ConversationListModel::ConversationListModel(Engine *engine, QObject *parent)
    : QAbstractListModel(parent)
    , m_engine(engine)
{
    m_debounce.setSingleShot(true);
    m_debounce.setInterval(kDebounceMs);
    connect(&m_debounce, &QTimer::timeout, this, &ConversationListModel::runNext);

    connect(engine, &Engine::conversationChanged, this,
            &ConversationListModel::refreshConversation);
    connect(engine, &Engine::messageAdded, this,
            [this](const QString &conversationId, const QString &) {
                refreshConversation(conversationId);
            });
    // Approving or rejecting a draft changes the row's draft badge but the engine announces
    // it only as a message state change.
    connect(engine, &Engine::messageStateChanged, this,
            [this](const QString &conversationId, const QString &, const QString &) {
                refreshConversation(conversationId);
            });
}

int ConversationListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant ConversationListModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() < 0 || index.row() >= m_rows.size())
        return {};
    const Row &row = m_rows.at(index.row());
    const Conversation &c = row.conversation;
    switch (role) {
    case Qt::DisplayRole:
        return participantsText(c).isEmpty() ? tr("Unknown customer") : participantsText(c);
    case Qt::ToolTipRole: {
        QStringList lines{participantsText(c), DisplayNames::platform(c.platform),
                          DisplayNames::conversationStatus(c.status),
                          DisplayNames::priority(c.priority), DisplayNames::aiMode(c.aiMode)};
        if (c.pendingDrafts > 0)
            lines << tr("Drafts waiting for review: %1").arg(c.pendingDrafts);
        if (c.flagged)
            lines << (c.flagReason.isEmpty() ? tr("Flagged for review")
                                             : tr("Flagged: %1").arg(c.flagReason));
        if (row.unread > 0)
            lines << tr("Unanswered customer messages: %1").arg(row.unread);
        if (!c.assignee.isEmpty())
            lines << tr("Assigned to %1").arg(c.assignee);
        if (!c.labels.isEmpty())
            lines << tr("Labels: %1").arg(c.labels.join(QStringLiteral(", ")));
        lines.removeAll(QString());
        return lines.join(QLatin1Char('\n'));
    }
    case Qt::AccessibleTextRole:
        return tr("%1, %2, %3")
            .arg(participantsText(c), DisplayNames::platform(c.platform),
                 DisplayNames::priority(c.priority));
    case Qt::AccessibleDescriptionRole:
        return c.lastMessagePreview;
    case IdRole:
        return c.id;
    case PlatformRole:
        return int(c.platform);
    case ParticipantsRole:
        return c.participants;
    case PreviewRole:
        return c.lastMessagePreview;
    case StatusRole:
        return int(c.status);
    case PriorityRole:
        return int(c.priority);
    case AiModeRole:
        return int(c.aiMode);
    case PendingDraftsRole:
        return c.pendingDrafts;
    case LastActivityRole:
        return c.lastActivityAt;
    case FlaggedRole:
        return c.flagged;
    case FlagReasonRole:
        return c.flagReason;
    case LabelsRole:
        return c.labels;
    case AssigneeRole:
        return c.assignee;
    case UnreadRole:
        return row.unread;
    case WaitingSinceRole:
        return row.waitingSince;
    default:
        return {};
    }
}

QHash<int, QByteArray> ConversationListModel::roleNames() const
{
    auto names = QAbstractListModel::roleNames();
    names.insert(IdRole, "conversationId");
    names.insert(PlatformRole, "platform");
    names.insert(ParticipantsRole, "participants");
    names.insert(PreviewRole, "preview");
    names.insert(StatusRole, "status");
    names.insert(PriorityRole, "priority");
    names.insert(AiModeRole, "aiMode");
    names.insert(PendingDraftsRole, "pendingDrafts");
    names.insert(LastActivityRole, "lastActivity");
    names.insert(FlaggedRole, "flagged");
    names.insert(FlagReasonRole, "flagReason");
    names.insert(LabelsRole, "labels");
    names.insert(AssigneeRole, "assignee");
    names.insert(UnreadRole, "unread");
    names.insert(WaitingSinceRole, "waitingSince");
    return names;
}

bool ConversationListModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && hasMore() && !m_fetchWanted;
}

void ConversationListModel::fetchMore(const QModelIndex &parent)
{
    if (parent.isValid() || !hasMore())
        return;
    m_fetchWanted = true;
    runNext();
}

void ConversationListModel::setFilter(const ConversationFilter &filter)
{
    m_filter = filter;
    m_filter.cursor.clear();
    m_filter.limit = kPageSize;
    reload();
}

void ConversationListModel::setPinnedId(const QString &conversationId)
{
    if (conversationId == m_pinned)
        return;
    const QString previous = m_pinned;
    m_pinned = conversationId;
    // The row held in place while it was open takes its proper position now.
    const int row = rowOf(previous);
    if (row >= 0)
        place(m_rows.at(row), false);
}

int ConversationListModel::rowOf(const QString &conversationId) const
{
    for (int row = 0; row < m_rows.size(); ++row) {
        if (m_rows.at(row).conversation.id == conversationId)
            return row;
    }
    return -1;
}

QString ConversationListModel::idAt(int row) const
{
    return row >= 0 && row < m_rows.size() ? m_rows.at(row).conversation.id : QString();
}

const Conversation *ConversationListModel::conversation(const QString &conversationId) const
{
    const int row = rowOf(conversationId);
    return row < 0 ? nullptr : &m_rows.at(row).conversation;
}

QStringList ConversationListModel::knownLabels() const
{
    QSet<QString> labels;
    for (const Row &row : m_rows) {
        for (const QString &label : row.conversation.labels)
            labels.insert(label);
    }
    QStringList sorted(labels.cbegin(), labels.cend());
    sorted.sort(Qt::CaseInsensitive);
    return sorted;
}

void ConversationListModel::reload()
{
    m_reloadWanted = true;
    // A page of the old filter still on its way is dropped when it arrives.
    ++m_generation;
    runNext();
}

void ConversationListModel::refreshConversation(const QString &conversationId)
{
    if (conversationId.isEmpty())
        return;
    m_pending.insert(conversationId);
    // Not restarted on every event: a steady stream must still refresh every interval.
    if (!m_debounce.isActive())
        m_debounce.start();
}

void ConversationListModel::schedulePending()
{
    if (!m_pending.isEmpty() && !m_debounce.isActive())
        m_debounce.start();
}

void ConversationListModel::runNext()
{
    // One read at a time, so an older answer can never overwrite a newer one. A reload wins
    // over everything; refreshes wait for their debounce interval.
    if (m_busy)
        return;
    if (m_reloadWanted)
        startReload();
    else if (m_fetchWanted)
        startFetch();
    else if (!m_pending.isEmpty() && !m_debounce.isActive())
        startRefresh();
}

Outcome<ConversationListModel::Row> ConversationListModel::readRow(MessageRepository &messages,
                                                                   const Conversation &c)
{
    auto recent = messages.recent(c.id, kUnreadWindow);
    if (!recent.isOk())
        return recent.error();
    Row row;
    row.conversation = c;
    const QList<Message> &history = recent.value();
    // The preview is the conversation as the customer sees it: a draft nobody approved yet
    // is announced by its badge, not quoted as if it had been said.
    for (auto it = history.crbegin(); it != history.crend(); ++it) {
        const bool unsentDraft =
            it->authorKind == AuthorKind::Ai &&
            (isState(*it, EventType::Drafted) || isState(*it, EventType::Rejected));
        if (unsentDraft)
            continue;
        const QString text = it->content.left(200);
        row.conversation.lastMessagePreview =
            it->authorKind == AuthorKind::Operator ? tr("You: %1").arg(text)
            : it->authorKind == AuthorKind::Ai     ? tr("AI: %1").arg(text)
                                                   : text;
        break;
    }
    for (auto it = history.crbegin(); it != history.crend(); ++it) {
        if (it->authorKind == AuthorKind::System)
            continue;
        if (it->direction == Direction::Inbound) {
            ++row.unread;
            row.waitingSince = it->createdAt;
            continue;
        }
        // Drafts nobody approved and replies that never left do not answer the customer.
        const bool unsentDraft =
            it->authorKind == AuthorKind::Ai &&
            (isState(*it, EventType::Drafted) || isState(*it, EventType::Rejected));
        if (unsentDraft || isState(*it, EventType::DeadLettered))
            continue;
        break;
    }
    return row;
}

void ConversationListModel::startReload()
{
    m_reloadWanted = false;
    m_fetchWanted = false;
    m_busy = true;
    // Rows about to be replaced need no refresh of their own.
    m_pending.clear();
    const quint64 generation = m_generation;
    ConversationFilter filter = m_filter;
    filter.cursor.clear();
    filter.limit = kPageSize;
    whenReady(m_engine->read<PageResult>([filter](QSqlDatabase &db) -> Outcome<PageResult> {
        auto page = ConversationRepository(db).list(filter);
        if (!page.isOk())
            return page.error();
        MessageRepository messages(db);
        PageResult result;
        result.nextCursor = page.value().nextCursor;
        for (const Conversation &c : page.value().items) {
            auto row = readRow(messages, c);
            if (!row.isOk())
                return row.error();
            result.rows.append(row.value());
        }
        return result;
    }),
              this, [this, generation](const Outcome<PageResult> &result) {
                  m_busy = false;
                  if (generation == m_generation) {
                      if (result.isOk()) {
                          beginResetModel();
                          m_rows = result.value().rows;
                          m_nextCursor = result.value().nextCursor;
                          endResetModel();
                      } else {
                          Q_EMIT errorOccurred(
                              ErrorText::describe(tr("Loading the inbox"), result.error()));
                      }
                      Q_EMIT loaded();
                  }
                  runNext();
                  schedulePending();
              });
}

void ConversationListModel::startFetch()
{
    m_fetchWanted = false;
    if (m_nextCursor.isEmpty())
        return runNext();
    m_busy = true;
    const quint64 generation = m_generation;
    ConversationFilter filter = m_filter;
    filter.cursor = m_nextCursor;
    filter.limit = kPageSize;
    whenReady(m_engine->read<PageResult>([filter](QSqlDatabase &db) -> Outcome<PageResult> {
        auto page = ConversationRepository(db).list(filter);
        if (!page.isOk())
            return page.error();
        MessageRepository messages(db);
        PageResult result;
        result.nextCursor = page.value().nextCursor;
        for (const Conversation &c : page.value().items) {
            auto row = readRow(messages, c);
            if (!row.isOk())
                return row.error();
            result.rows.append(row.value());
        }
        return result;
    }),
              this, [this, generation](const Outcome<PageResult> &result) {
                  m_busy = false;
                  if (generation == m_generation) {
                      if (result.isOk()) {
                          appendPage(result.value().rows);
                          m_nextCursor = result.value().nextCursor;
                          Q_EMIT pageLoaded();
                      } else {
                          Q_EMIT errorOccurred(ErrorText::describe(tr("Loading more conversations"),
                                                                   result.error()));
                      }
                  }
                  runNext();
                  schedulePending();
              });
}

void ConversationListModel::appendPage(const QList<Row> &rows)
{
    // The page continues the list; rows that live updates already placed are updated instead.
    QList<Row> fresh;
    for (const Row &row : rows) {
        if (rowOf(row.conversation.id) >= 0)
            place(row, true);
        else
            fresh.append(row);
    }
    if (fresh.isEmpty())
        return;
    beginInsertRows({}, int(m_rows.size()), int(m_rows.size() + fresh.size() - 1));
    m_rows.append(fresh);
    endInsertRows();
}

void ConversationListModel::startRefresh()
{
    const QStringList ids(m_pending.cbegin(), m_pending.cend());
    m_pending.clear();
    m_busy = true;
    const quint64 generation = m_generation;
    const QString search = m_filter.search.trimmed();
    whenReady(m_engine->read<Refreshed>([ids, search](QSqlDatabase &db) -> Outcome<Refreshed> {
        ConversationRepository conversations(db);
        MessageRepository messages(db);
        Refreshed refreshed;
        for (const QString &id : ids) {
            auto conversation = conversations.get(id);
            if (!conversation.isOk()) {
                if (conversation.error().kind != ErrorKind::NotFound)
                    return conversation.error();
                refreshed.unmatched << id;
                continue;
            }
            // The full-text match is the database's to decide; the other filters are
            // checked on the row itself.
            if (!search.isEmpty()) {
                MessageFilter match;
                match.conversationId = id;
                match.search = search;
                match.limit = 1;
                auto found = messages.list(match);
                if (!found.isOk())
                    return found.error();
                if (found.value().items.isEmpty()) {
                    refreshed.unmatched << id;
                    continue;
                }
            }
            auto row = readRow(messages, conversation.value());
            if (!row.isOk())
                return row.error();
            refreshed.rows.append(row.value());
        }
        return refreshed;
    }),
              this, [this, ids, generation](const Outcome<Refreshed> &result) {
                  m_busy = false;
                  if (generation == m_generation) {
                      if (result.isOk()) {
                          applyRefreshed(result.value());
                          Q_EMIT rowsRefreshed(ids);
                      } else {
                          Q_EMIT errorOccurred(
                              ErrorText::describe(tr("Refreshing the inbox"), result.error()));
                      }
                  } else {
                      // A reload replaced the list meanwhile; its page may predate these
                      // changes, so they are read again.
                      for (const QString &id : ids)
                          m_pending.insert(id);
                  }
                  runNext();
                  schedulePending();
              });
}

void ConversationListModel::applyRefreshed(const Refreshed &refreshed)
{
    for (const QString &id : refreshed.unmatched) {
        const int row = rowOf(id);
        if (row >= 0 && id != m_pinned)
            removeAt(row);
    }
    for (const Row &row : refreshed.rows)
        place(row, false);
}

bool ConversationListModel::lessThan(const Row &a, const Row &b) const
{
    const Conversation &x = a.conversation;
    const Conversation &y = b.conversation;
    switch (m_filter.sort) {
    case ConversationSort::Newest:
        return x.id > y.id;
    case ConversationSort::Priority:
        if (x.priority != y.priority)
            return x.priority > y.priority;
        break;
    case ConversationSort::LongestWaiting:
        break;
    }
    const qint64 xa = x.lastActivityAt.toMSecsSinceEpoch();
    const qint64 ya = y.lastActivityAt.toMSecsSinceEpoch();
    if (xa != ya)
        return xa < ya;
    return x.id < y.id;
}

bool ConversationListModel::matches(const Conversation &c) const
{
    const ConversationFilter &f = m_filter;
    if (f.status && c.status != *f.status)
        return false;
    if (!f.statuses.isEmpty() && !f.statuses.contains(c.status))
        return false;
    if (f.platform && c.platform != *f.platform)
        return false;
    if (f.priority && c.priority != *f.priority)
        return false;
    if (f.flagged && c.flagged != *f.flagged)
        return false;
    if (f.needsReview && c.pendingDrafts <= 0)
        return false;
    if (!f.assignee.isEmpty() && c.assignee != f.assignee)
        return false;
    if (!f.label.isEmpty() && !c.labels.contains(f.label))
        return false;
    if (!f.participant.isEmpty() && !c.participants.contains(f.participant))
        return false;
    return true;
}

void ConversationListModel::place(const Row &row, bool fromPage)
{
    const QString &id = row.conversation.id;
    const int existing = rowOf(id);
    const bool pinned = !m_pinned.isEmpty() && id == m_pinned;
    if (pinned && existing >= 0) {
        m_rows[existing] = row;
        const QModelIndex changed = index(existing);
        Q_EMIT dataChanged(changed, changed);
        return;
    }
    if (!matches(row.conversation)) {
        if (existing >= 0)
            removeAt(existing);
        return;
    }
    // Where the row belongs among the others (its own old place left out).
    int target = 0;
    int others = 0;
    for (int i = 0; i < m_rows.size(); ++i) {
        if (i == existing)
            continue;
        ++others;
        if (lessThan(m_rows.at(i), row))
            target = others;
    }
    // Past the loaded range while more pages wait: the row arrives with its page.
    if (!fromPage && hasMore() && target == others) {
        if (existing >= 0)
            removeAt(existing);
        return;
    }
    if (existing < 0) {
        beginInsertRows({}, target, target);
        m_rows.insert(target, row);
        endInsertRows();
        return;
    }
    if (target != existing) {
        // beginMoveRows counts the destination in the list before the row is taken out.
        const int destination = target > existing ? target + 1 : target;
        if (beginMoveRows({}, existing, existing, {}, destination)) {
            m_rows.move(existing, target);
            endMoveRows();
        }
    }
    m_rows[target] = row;
    const QModelIndex changed = index(target);
    Q_EMIT dataChanged(changed, changed);
}

void ConversationListModel::removeAt(int row)
{
    beginRemoveRows({}, row, row);
    m_rows.removeAt(row);
    endRemoveRows();
}

} // namespace relaydesk::ui
