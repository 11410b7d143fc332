using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ScopeWeb.Core.Catalog.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class FieldOrderIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_sources_Field_ObjId",
                table: "sources",
                columns: new[] { "Field", "ObjId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_sources_Field_ObjId",
                table: "sources");
        }
    }
}
