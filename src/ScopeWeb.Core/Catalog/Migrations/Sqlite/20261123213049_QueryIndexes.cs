using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ScopeWeb.Core.Catalog.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class QueryIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_sources_DecDeg",
                table: "sources");

            migrationBuilder.DropIndex(
                name: "IX_classifications_Tag_Algorithm_Score",
                table: "classifications");

            migrationBuilder.CreateIndex(
                name: "IX_sources_DecDeg_RaDeg",
                table: "sources",
                columns: new[] { "DecDeg", "RaDeg" });

            migrationBuilder.CreateIndex(
                name: "IX_classifications_Tag_Algorithm_Score_SourceId",
                table: "classifications",
                columns: new[] { "Tag", "Algorithm", "Score", "SourceId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_sources_DecDeg_RaDeg",
                table: "sources");

            migrationBuilder.DropIndex(
                name: "IX_classifications_Tag_Algorithm_Score_SourceId",
                table: "classifications");

            migrationBuilder.CreateIndex(
                name: "IX_sources_DecDeg",
                table: "sources",
                column: "DecDeg");

            migrationBuilder.CreateIndex(
                name: "IX_classifications_Tag_Algorithm_Score",
                table: "classifications",
                columns: new[] { "Tag", "Algorithm", "Score" });
        }
    }
}
