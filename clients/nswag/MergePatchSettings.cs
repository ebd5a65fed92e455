using System.Text.Json.Serialization;

namespace PledgFunctions.NSwagClient;

/// <summary>What generation cannot say: a property left unset (null) is not sent, so a PATCH is the
/// merge patch the caller meant (an edit of <c>reference</c> sends only <c>reference</c>), and
/// properties the client does not know yet are kept rather than refused.</summary>
public partial class PledgNSwagClient
{
    static partial void UpdateJsonSerializerSettings(System.Text.Json.JsonSerializerOptions settings) =>
        settings.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
}
