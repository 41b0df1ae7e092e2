// Tests of the enum<->string tables: the generic helpers on a table of the test's own, the
// completeness check, and the round trip of every value of every table in core (message role and
// status, error category) including what unknown names read as.
#include "core/api/ApiError.h"
#include "core/domain/Conversation.h"
#include "core/domain/EnumTable.h"

#include "TestSupport.h"

#include <QSet>
#include <QTest>

using namespace anyrouter;
using namespace Qt::StringLiterals;

namespace {

enum class Fruit
{
    Apple,
    Pear,
    Plum
};

constexpr EnumName<Fruit> kFruits[] = {
    {Fruit::Apple, u"apple"}, {Fruit::Pear, u"pear"}, {Fruit::Plum, u"plum"}};
static_assert(enumTableIsComplete(kFruits, Fruit::Plum));

constexpr EnumName<Fruit> kMissingOne[] = {{Fruit::Apple, u"apple"}, {Fruit::Plum, u"plum"}};
constexpr EnumName<Fruit> kTwice[] = {
    {Fruit::Apple, u"apple"}, {Fruit::Apple, u"pear"}, {Fruit::Plum, u"plum"}};
constexpr EnumName<Fruit> kSameName[] = {
    {Fruit::Apple, u"apple"}, {Fruit::Pear, u"apple"}, {Fruit::Plum, u"plum"}};
constexpr EnumName<Fruit> kEmptyName[] = {
    {Fruit::Apple, u"apple"}, {Fruit::Pear, u""}, {Fruit::Plum, u"plum"}};
constexpr EnumName<Fruit> kPartial[] = {{Fruit::Apple, u"apple"}, {Fruit::Pear, u"pear"}};

// Every value from 0 to last through toString and back; names distinct and non-empty.
template <typename E, typename ToString, typename FromString>
QStringList roundTripProblems(E last, ToString toString, FromString fromString)
{
    QStringList problems;
    QSet<QString> names;
    for (int v = 0; v <= int(last); ++v) {
        const E e = E(v);
        const QString name = toString(e);
        if (name.isEmpty())
            problems << u"value %1 has no name"_s.arg(v);
        if (names.contains(name))
            problems << u"name %1 used twice"_s.arg(name);
        names.insert(name);
        if (fromString(name) != e)
            problems << u"%1 reads back as another value"_s.arg(name);
    }
    return problems;
}

} // namespace

class TestEnumTable : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { test::initHermeticEnvironment(); }

    void genericLookups();
    void completenessCheck();
    void messageRoles();
    void messageStatuses();
    void errorCategories();
};

void TestEnumTable::genericLookups()
{
    QCOMPARE(enumToString(kFruits, Fruit::Pear), u"pear"_s);
    QCOMPARE(enumFromString(kFruits, u"plum"), std::optional(Fruit::Plum));
    QCOMPARE(enumFromString(kFruits, u"Plum"), std::nullopt); // exact names only
    QCOMPARE(enumFromString(kFruits, u""), std::nullopt);
    QCOMPARE(enumFromString(kFruits, u"plums"), std::nullopt);
    QCOMPARE(enumToString(kPartial, Fruit::Plum), QString());
    QCOMPARE(enumToString(kPartial, Fruit::Plum, Fruit::Apple), u"apple"_s);
    QCOMPARE(enumToString(kPartial, Fruit::Pear, Fruit::Apple), u"pear"_s);
    // The name survives the QString it was handed out in (it points at the table's static text).
    QString name = enumToString(kFruits, Fruit::Apple);
    name.append(u"s"_s);
    QCOMPARE(name, u"apples"_s);
    QCOMPARE(enumToString(kFruits, Fruit::Apple), u"apple"_s);
}

void TestEnumTable::completenessCheck()
{
    QVERIFY(enumTableIsComplete(kFruits, Fruit::Plum));
    QVERIFY(!enumTableIsComplete(kMissingOne, Fruit::Plum));
    QVERIFY(!enumTableIsComplete(kTwice, Fruit::Plum));
    QVERIFY(!enumTableIsComplete(kSameName, Fruit::Plum));
    QVERIFY(!enumTableIsComplete(kEmptyName, Fruit::Plum));
    QVERIFY(!enumTableIsComplete(kPartial, Fruit::Plum));
    QVERIFY(!enumTableIsComplete(kFruits, Fruit::Pear)); // a value beyond the given last one
}

void TestEnumTable::messageRoles()
{
    QCOMPARE(roundTripProblems(MessageRole::Tool, roleToString, roleFromString), QStringList());
    // The stored names themselves (rows written by earlier versions must still read).
    QCOMPARE(roleToString(MessageRole::System), u"system"_s);
    QCOMPARE(roleToString(MessageRole::User), u"user"_s);
    QCOMPARE(roleToString(MessageRole::Assistant), u"assistant"_s);
    QCOMPARE(roleToString(MessageRole::Tool), u"tool"_s);
    QCOMPARE(roleFromString(u"moderator"), MessageRole::User);
    QCOMPARE(roleFromString(u"Assistant"), MessageRole::User);
    QCOMPARE(roleToString(MessageRole(99)), u"user"_s);
}

void TestEnumTable::messageStatuses()
{
    QCOMPARE(roundTripProblems(MessageStatus::Error, statusToString, statusFromString), QStringList());
    QCOMPARE(statusToString(MessageStatus::Complete), u"complete"_s);
    QCOMPARE(statusToString(MessageStatus::Streaming), u"streaming"_s);
    QCOMPARE(statusToString(MessageStatus::Incomplete), u"incomplete"_s);
    QCOMPARE(statusToString(MessageStatus::Error), u"error"_s);
    QCOMPARE(statusFromString(u""), MessageStatus::Complete);
    QCOMPARE(statusFromString(u"paused"), MessageStatus::Complete);
    QCOMPARE(statusToString(MessageStatus(99)), u"complete"_s);
}

void TestEnumTable::errorCategories()
{
    using C = ApiError::Category;
    QCOMPARE(
        roundTripProblems(C::Redirect, ApiError::categoryName,
                          [](const QString& s) { return ApiError::categoryFromName(s).value_or(C(-1)); }),
        QStringList());
    QCOMPARE(ApiError::categoryName(C::None), u"none"_s);
    QCOMPARE(ApiError::categoryName(C::RateLimited), u"rate_limited"_s);
    QCOMPARE(ApiError::categoryName(C::InsufficientCredits), u"insufficient_credits"_s);
    QCOMPARE(ApiError::categoryName(C::StreamCutOff), u"stream_cut_off"_s);
    QCOMPARE(ApiError::categoryName(C(99)), u"none"_s);
    QCOMPARE(ApiError::categoryFromName(u"auth"), std::optional(C::Auth));
    QCOMPARE(ApiError::categoryFromName(u"teapot"), std::nullopt);
}

QTEST_GUILESS_MAIN(TestEnumTable)
#include "TestEnumTable.moc"
